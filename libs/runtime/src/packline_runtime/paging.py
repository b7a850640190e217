"""Every list endpoint pages the same way (a capped `limit`, an `offset`, a typed page), and
numeric ids in paths stay within the column they are looked up in."""

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
