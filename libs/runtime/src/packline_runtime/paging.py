"""How list endpoints page. Offset pages (a capped `limit`, an `offset`, a typed `Page`) for
lists that are read like reports; keyset pages (an opaque `next` token taken back as `cursor`,
O(page) work per request whatever the list's size) for queues that grow and change while a
person works through them. Numeric ids in paths stay within the column they are looked up in."""

import base64
import binascii
import json
from typing import Annotated, Generic, TypeVar

from fastapi import Path, Query
from pydantic import BaseModel, Field

T = TypeVar("T")
MAX_LIMIT = 1000
MAX_OFFSET = 1_000_000

Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description=f"Items per page (≤ {MAX_LIMIT})")]
RowId = Annotated[int, Path(ge=1, le=2**63 - 1, description="A row id (bigint)")]
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET, description="Items to skip")]


class Page(BaseModel, Generic[T]):
    items: list[T]
    limit: int = Field(ge=1, le=MAX_LIMIT)
    offset: int = Field(ge=0)
    next_offset: int | None = Field(description="Offset of the next page; null on the last page")


def page(rows: list[T], limit: int, offset: int) -> Page[T]:
    """`rows` were fetched with `limit + 1`: one more than fits tells that a next page exists."""
    more = len(rows) > limit
    return Page[T](
        items=rows[:limit], limit=limit, offset=offset, next_offset=offset + limit if more else None
    )


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
