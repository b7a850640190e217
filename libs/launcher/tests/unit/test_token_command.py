"""`packline token` prints a five-minute token signed with the stack's own key (its work
directory), which the services of that stack accept; it never makes a key of its own."""

from pathlib import Path

import pytest

from packline_launcher import keys
from packline_launcher.cli import main
from packline_runtime import tokens


def test_a_token_for_a_seller_verifies_with_the_public_key_services_get(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    public = tokens.load_public_key(keys.token_public_key(tmp_path))  # as `packline up` does

    code = main(
        ["token", "--data-dir", str(tmp_path), "--seller", "seller-demo", "--role", "viewer"]
    )

    assert code == 0
    caller = tokens.verify(public, capsys.readouterr().out.strip())
    assert (caller.seller_id, caller.role, caller.sub) == (
        "seller-demo",
        tokens.Role.VIEWER,
        "packline-cli",
    )


def test_the_sre_token_needs_no_seller_and_others_do(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    public = tokens.load_public_key(keys.token_public_key(tmp_path))

    assert main(["token", "--data-dir", str(tmp_path), "--role", "sre"]) == 0
    caller = tokens.verify(public, capsys.readouterr().out.strip())
    assert (caller.seller_id, caller.role) == (keys.PLATFORM, tokens.Role.SRE)
    assert main(["token", "--data-dir", str(tmp_path)]) == 2
    assert "--seller" in capsys.readouterr().err


def test_without_a_stack_there_is_no_key_and_none_is_made(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["token", "--data-dir", str(tmp_path / "nothing"), "--seller", "s"]) == 2
    assert "start the stack there first" in capsys.readouterr().err
    assert not (tmp_path / "nothing").exists()
