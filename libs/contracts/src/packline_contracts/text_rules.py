"""Text no event may carry: NUL, which PostgreSQL text cannot store, so such an event would be
dead-lettered by every stage that receives it."""

from typing import Any

from pydantic import ValidationInfo

# Validation context of a JSON text that holds no NUL: JSON can write NUL only as the escape
# \u0000, so `parse_event` looks once at the raw bytes instead of every model at every string.
NUL_FREE = {"packline.nul_free": True}


def holds_nul(raw: bytes | str) -> bool:
    if isinstance(raw, bytes):
        return b"\\u0000" in raw
    return "\\u0000" in raw


def check_nul(fields: dict[str, Any], info: ValidationInfo) -> None:
    """`refuse_nul`, unless the whole text was seen to hold none (NUL_FREE)."""
    if not (info.context and info.context.get("packline.nul_free")):
        refuse_nul(fields)


def refuse_nul(fields: dict[str, Any]) -> None:
    """Raise naming the field (never the value) when a string, or a string in a tuple, holds NUL."""
    for name, value in fields.items():
        texts = value if isinstance(value, tuple) else (value,)
        if any(isinstance(t, str) and "\x00" in t for t in texts):
            raise ValueError(f"{name}: the NUL character (U+0000) is not allowed")
