"""Text no event may carry: NUL, which PostgreSQL text cannot store, so such an event would be
dead-lettered by every stage that receives it."""

from typing import Any


def refuse_nul(fields: dict[str, Any]) -> None:
    """Raise naming the field (never the value) when a string, or a string in a tuple, holds NUL."""
    for name, value in fields.items():
        texts = value if isinstance(value, tuple) else (value,)
        if any(isinstance(t, str) and "\x00" in t for t in texts):
            raise ValueError(f"{name}: the NUL character (U+0000) is not allowed")
