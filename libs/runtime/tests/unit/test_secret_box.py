"""SecretBox: keys at rest are AES-256-GCM sealed, bound to their record, and never echoed."""

import pytest
from pydantic import SecretStr

from packline_runtime.secret_box import (
    ENV_NAME,
    SecretBox,
    SecretError,
    SecretsNotConfigured,
    decode_key,
    new_key,
    required,
)
from packline_runtime.settings import Settings

SECRET = "s3cr3t-courier-key-9876"
CONTEXT = "waybill:courier_account:17"


def _box(key: str | None = None) -> SecretBox:
    return SecretBox(decode_key(key or new_key()))


def test_a_sealed_secret_opens_to_the_same_text() -> None:
    box = _box()
    sealed = box.seal(SECRET, CONTEXT)
    assert SECRET.encode() not in sealed
    assert box.open(sealed, CONTEXT) == SECRET


def test_sealing_twice_gives_different_bytes() -> None:
    box = _box()
    assert box.seal(SECRET, CONTEXT) != box.seal(SECRET, CONTEXT)  # a fresh nonce each time


def test_another_key_is_named_as_the_reason_and_the_secret_is_not() -> None:
    sealed = _box().seal(SECRET, CONTEXT)
    with pytest.raises(SecretError, match=f"sealed with key id .*{ENV_NAME} changed") as caught:
        _box().open(sealed, CONTEXT)
    assert SECRET not in str(caught.value)


def test_a_value_moved_to_another_record_does_not_open() -> None:
    box = _box()
    sealed = box.seal(SECRET, CONTEXT)
    with pytest.raises(SecretError, match="sealed for another record"):
        box.open(sealed, "waybill:courier_account:18")


def test_a_tampered_value_does_not_open() -> None:
    box = _box()
    sealed = bytearray(box.seal(SECRET, CONTEXT))
    sealed[-1] ^= 1
    with pytest.raises(SecretError, match="altered"):
        box.open(bytes(sealed), CONTEXT)
    with pytest.raises(SecretError, match="not a sealed secret"):
        box.open(b"\x01abc", CONTEXT)


def test_a_retired_key_still_opens_old_values() -> None:
    old, new = decode_key(new_key()), decode_key(new_key())
    sealed = SecretBox(old).seal(SECRET, CONTEXT)
    rotated = SecretBox(new, retired=[old])
    assert rotated.open(sealed, CONTEXT) == SECRET
    assert rotated.seal(SECRET, CONTEXT)[1:5].hex() == rotated.key_id


def test_no_key_configured_says_how_to_make_one() -> None:
    assert SecretBox.from_setting(None) is None
    with pytest.raises(SecretsNotConfigured, match=f"set {ENV_NAME}.*urlsafe_b64encode"):
        required(None)


def test_a_malformed_key_fails_settings_without_echoing_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(ENV_NAME, "dG9vLXNob3J0")  # "too-short"
    with pytest.raises(SecretError, match="32 bytes, not 9") as caught:
        Settings()
    assert "dG9vLXNob3J0" not in str(caught.value)
    monkeypatch.setenv(ENV_NAME, "not base64 at all!")
    with pytest.raises(SecretError, match="not urlsafe base64"):
        Settings()


def test_settings_give_a_box_for_a_configured_key(monkeypatch: pytest.MonkeyPatch) -> None:
    key = new_key()
    monkeypatch.setenv(ENV_NAME, key)
    box = SecretBox.from_setting(Settings().secrets_key)
    assert box is not None
    assert box.open(_box(key).seal(SECRET, CONTEXT), CONTEXT) == SECRET
    assert key not in repr(Settings())
    assert SecretBox.from_setting(SecretStr("")) is None
