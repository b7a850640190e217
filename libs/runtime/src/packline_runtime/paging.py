"""Keyset paging for list endpoints: a page ends with the key of its last row, handed out as
an opaque `next` token and taken back as `cursor`. Work per request is O(page)."""

import base64
import binascii
import json


class BadCursor(ValueError):
    """A cursor that no page handed out (edited, truncated, from another list)."""

    def __init__(self) -> None:
        super().__init__("cursor is not one this list handed out; start again without it")


def encode(key: list[str]) -> str:
    raw = json.dumps(key, ensure_ascii=False, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(cursor: str, parts: int) -> list[str]:
    """The key a `next` token stands for: exactly `parts` strings, or BadCursor."""
    try:
        key = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError, UnicodeDecodeError) as exc:
        raise BadCursor() from exc
    if not isinstance(key, list) or len(key) != parts or not all(isinstance(k, str) for k in key):
        raise BadCursor()
    if any("\x00" in k for k in key):  # PostgreSQL text cannot hold NUL
        raise BadCursor()
    return key
