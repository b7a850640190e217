"""Secrets at rest (courier and marketplace keys): AES-256-GCM with a key from the environment.

A sealed value is `version (1 byte) | key id (4 bytes) | nonce (12 bytes) | ciphertext+tag`.
The key id is the first 4 bytes of SHA-256 of the key, so a value sealed under another key is
told apart from a tampered one, and a box can hold retired keys to open old values while new
ones are sealed under the current key. The context (e.g. "waybill:courier_account:17") is the
associated data: a sealed value copied to another row does not open there. No message of this
module ever contains a secret or a key.
"""

import base64
import binascii
import hashlib
import os
from collections.abc import Iterable

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from pydantic import SecretStr

FORMAT_VERSION = 1
KEY_BYTES = 32
NONCE_BYTES = 12
KEY_ID_BYTES = 4
_HEADER = 1 + KEY_ID_BYTES
ENV_NAME = "PACKLINE_SECRETS_KEY"
MAKE_KEY = 'python -c "import base64,os;print(base64.urlsafe_b64encode(os.urandom(32)).decode())"'


class SecretError(Exception):
    """A secret cannot be sealed or opened; the message says why and never holds the secret."""


class SecretsNotConfigured(SecretError):
    def __init__(self) -> None:
        super().__init__(
            f"no key to encrypt secrets with: set {ENV_NAME} to the urlsafe base64 of 32 random"
            f" bytes (make one with: {MAKE_KEY})"
        )


def decode_key(encoded: str) -> bytes:
    """The 32 key bytes of a PACKLINE_SECRETS_KEY value, or SecretError saying what is wrong."""
    try:
        key = base64.urlsafe_b64decode(encoded.strip().encode("ascii"))
    except (binascii.Error, UnicodeEncodeError, ValueError):
        raise SecretError(
            f"{ENV_NAME} is not urlsafe base64; make a key with: {MAKE_KEY}"
        ) from None
    if len(key) != KEY_BYTES:
        raise SecretError(
            f"{ENV_NAME} must decode to {KEY_BYTES} bytes, not {len(key)}; make one with: {MAKE_KEY}"
        )
    return key


def new_key() -> str:
    """A fresh key in the form PACKLINE_SECRETS_KEY takes."""
    return base64.urlsafe_b64encode(os.urandom(KEY_BYTES)).decode("ascii")


def key_id(key: bytes) -> bytes:
    return hashlib.sha256(key).digest()[:KEY_ID_BYTES]


class SecretBox:
    """Seals with the current key; opens with it or any retired key still held."""

    def __init__(self, key: bytes, retired: Iterable[bytes] = ()) -> None:
        for each in (key, *retired):
            if len(each) != KEY_BYTES:
                raise SecretError(f"a secrets key must be {KEY_BYTES} bytes, not {len(each)}")
        self._current = key_id(key)
        self._keys = {key_id(k): AESGCM(k) for k in (*retired, key)}

    @classmethod
    def from_setting(cls, secrets_key: SecretStr | None) -> "SecretBox | None":
        """The box for the configured key; None when none is configured."""
        if secrets_key is None or not secrets_key.get_secret_value().strip():
            return None
        return cls(decode_key(secrets_key.get_secret_value()))

    @property
    def key_id(self) -> str:
        return self._current.hex()

    def seal(self, plaintext: str, context: str) -> bytes:
        nonce = os.urandom(NONCE_BYTES)
        aead = self._keys[self._current]
        sealed: bytes = aead.encrypt(nonce, plaintext.encode("utf-8"), context.encode("utf-8"))
        return bytes([FORMAT_VERSION]) + self._current + nonce + sealed

    def open(self, sealed: bytes, context: str) -> str:
        if len(sealed) < _HEADER + NONCE_BYTES + 16 or sealed[0] != FORMAT_VERSION:
            raise SecretError(f"{context}: not a sealed secret (unknown format or truncated)")
        sealed_with = sealed[1:_HEADER]
        aead = self._keys.get(sealed_with)
        if aead is None:
            raise SecretError(
                f"{context}: sealed with key id {sealed_with.hex()}, but this process has key id"
                f" {self.key_id}; was {ENV_NAME} changed? Set the key it was sealed with"
            )
        nonce = sealed[_HEADER : _HEADER + NONCE_BYTES]
        try:
            plain: bytes = aead.decrypt(
                nonce, sealed[_HEADER + NONCE_BYTES :], context.encode("utf-8")
            )
        except InvalidTag:
            raise SecretError(
                f"{context}: the sealed secret does not open: it was altered, or sealed for"
                " another record"
            ) from None
        return plain.decode("utf-8")


def required(box: SecretBox | None) -> SecretBox:
    """The box, or SecretsNotConfigured telling the operator how to set a key."""
    if box is None:
        raise SecretsNotConfigured()
    return box
