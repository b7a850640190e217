"""The embedded stack gives every service one secrets key, kept in its workdir across restarts."""

import stat
from pathlib import Path

import pytest

from packline_launcher.keys import SECRETS_KEY_FILE, TOKEN_KEY_FILE
from packline_launcher.stack import SERVICES, Stack
from packline_runtime import tokens
from packline_runtime.secret_box import ENV_NAME, SecretBox, decode_key


def _stack(workdir: Path) -> Stack:
    return Stack(workdir, database_url="postgresql://postgres@127.0.0.1:1/postgres")


def test_every_service_gets_the_same_key_kept_private_in_the_workdir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(ENV_NAME, raising=False)
    stack = _stack(tmp_path)
    keys = {stack.child_env(0, name)[ENV_NAME] for name in SERVICES}
    assert len(keys) == 1
    [key] = keys
    SecretBox(decode_key(key))  # a usable key
    mode = stat.S_IMODE((tmp_path / SECRETS_KEY_FILE).stat().st_mode)
    assert mode == 0o600


def test_a_restarted_stack_reuses_the_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ENV_NAME, raising=False)
    first = _stack(tmp_path).child_env(0, "waybill")[ENV_NAME]
    assert _stack(tmp_path).child_env(0, "waybill", admin=True)[ENV_NAME] == first
    assert _stack(tmp_path / "other").child_env(0, "waybill")[ENV_NAME] != first


def test_a_key_given_in_the_environment_wins(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ENV_NAME, "given")
    assert _stack(tmp_path).child_env(0, "waybill")[ENV_NAME] == "given"
    assert not (tmp_path / SECRETS_KEY_FILE).exists()


def test_services_get_only_the_public_half_of_the_token_key(tmp_path: Path) -> None:
    stack = _stack(tmp_path)
    env = stack.child_env(8000, "collector")
    public = tokens.load_public_key(env[tokens.PUBLIC_KEY_ENV])
    assert tokens.PRIVATE_KEY_ENV not in env
    assert "PRIVATE" not in env[tokens.PUBLIC_KEY_ENV]
    # a token the stack mints verifies with what the services were given, after a restart too
    again = _stack(tmp_path).child_env(8000, "shipper")[tokens.PUBLIC_KEY_ENV]
    assert again == env[tokens.PUBLIC_KEY_ENV]
    caller = tokens.verify(public, stack.token("seller-a", tokens.Role.VIEWER))
    assert (caller.seller_id, caller.role) == ("seller-a", tokens.Role.VIEWER)
    mode = stat.S_IMODE((tmp_path / TOKEN_KEY_FILE).stat().st_mode)
    assert mode == 0o600
