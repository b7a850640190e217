"""The unmatched queue (미매칭) as the console shows it: waiting orders a page at a time, each
unmapped line with the catalogue SKUs suggested for it beforehand (see `suggestions`)."""

from datetime import datetime

from pydantic import BaseModel, Field

from packline_matcher.adapters import suggestions as stored
from packline_runtime import paging, search
from packline_runtime.db import Conn


class Suggestion(BaseModel):
    sku: str
    name: str
    option: str
    score: float = Field(description="0–100: how much name and option read like the line's")


class QueueLine(BaseModel):
    line_id: str
    listing_id: str
    option_id: str
    product_name: str
    option_name: str
    quantity: int
    unmatched: bool = Field(description="No mapping for this listing+option yet")
    suggestions: list[Suggestion] = Field(description="Best first; empty while being computed")


class WaitingOrder(BaseModel):
    order: str
    marketplace: str
    seller_id: str
    held_at: datetime
    missing: list[tuple[str, str]] = Field(description="[listing_id, option_id] without mapping")
    suggested_at: datetime | None = Field(
        description="When the suggestions were computed; null while (re)computing them"
    )
    lines: list[QueueLine]


class QueuePage(BaseModel):
    items: list[WaitingOrder]
    next: str | None = Field(description="Pass as `cursor` for the next page; null at the end")


def _after(cursor: str) -> stored.QueueKey:
    held_at, uid = paging.decode(cursor, 2)
    try:
        when = datetime.fromisoformat(held_at)
    except ValueError as exc:
        raise paging.BadCursor() from exc
    if when.tzinfo is None:
        raise paging.BadCursor()
    return when, uid


async def page(
    conn: Conn,
    seller_id: str | None,
    limit: int,
    cursor: str | None,
    suggestions: int = 5,
    q: str | None = None,
    since: datetime | None = None,
) -> QueuePage:
    """Reads stored rows only: the same small work whatever the catalogue's size. `q` (the
    search box) and `since` filter in SQL before paging. Raises paging.BadCursor for a cursor
    this queue did not hand out."""
    after = _after(cursor) if cursor else None
    found = await stored.page(conn, seller_id, after, limit + 1, search.patterns(q), since)
    more, found = len(found) > limit, found[:limit]
    items = [
        WaitingOrder(
            order=entry.order_uid,
            marketplace=entry.marketplace,
            seller_id=entry.seller_id,
            held_at=entry.held_at,
            missing=list(entry.missing),
            suggested_at=entry.suggested_at,
            lines=[
                QueueLine(
                    line_id=line.line_id,
                    listing_id=line.listing_id,
                    option_id=line.option_id,
                    product_name=line.product_name,
                    option_name=line.option_name,
                    quantity=line.quantity,
                    unmatched=entry.waits_for(line),
                    suggestions=[
                        Suggestion(sku=s.sku, name=s.name, option=s.option, score=s.score)
                        for s in entry.suggested(line, suggestions)
                    ],
                )
                for line in entry.lines
            ],
        )
        for entry in found
    ]
    last = found[-1] if found else None
    following = paging.encode([last.held_at.isoformat(), last.order_uid]) if more and last else None
    return QueuePage(items=items, next=following)
