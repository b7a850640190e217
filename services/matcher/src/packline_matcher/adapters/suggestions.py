"""SQL for the unmatched queue as people page through it, and its precomputed suggestions."""

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from packline_runtime.db import Conn

QueueKey = tuple[datetime, str]  # (held_at, order_uid): the queue's stable order


@dataclass(frozen=True)
class WaitingLine:
    line_id: str
    product_name: str
    option_name: str


@dataclass(frozen=True)
class ToSuggest:
    order_uid: str
    seller_id: str
    asked_at: datetime  # the ask this answers; a newer ask discards the answer
    lines: list[WaitingLine]  # the unmapped ones


async def to_suggest(conn: Conn, limit: int) -> list[ToSuggest]:
    """Held orders whose suggestions are missing or out of date, oldest first."""
    rows = await conn.fetch(
        """
        SELECT order_uid, seller_id, asked_at, missing, event->'lines' AS lines
        FROM held_orders WHERE suggested_at IS NULL
        ORDER BY held_at, order_uid LIMIT $1
        """,
        limit,
    )
    found = []
    for r in rows:
        missing = {tuple(m) for m in json.loads(r["missing"])}
        lines = [
            WaitingLine(li["line_id"], li.get("product_name", ""), li.get("option_name", ""))
            for li in json.loads(r["lines"])
            if (li["listing_id"], li["option_id"]) in missing
        ]
        found.append(ToSuggest(r["order_uid"], r["seller_id"], r["asked_at"], lines))
    return found


async def store(
    conn: Conn, answers: Sequence[tuple[ToSuggest, dict[str, list[dict[str, Any]]]]]
) -> int:
    """Keep each answer unless its order was asked again meanwhile (held again, catalogue
    changed) or left the queue; returns how many were kept."""
    result = await conn.execute(
        """
        UPDATE held_orders h SET suggestions = a.suggestions, suggested_at = now()
        FROM unnest($1::text[], $2::timestamptz[], $3::jsonb[]) AS a(uid, asked_at, suggestions)
        WHERE h.order_uid = a.uid AND h.asked_at = a.asked_at AND h.suggested_at IS NULL
        """,
        [q.order_uid for q, _ in answers],
        [q.asked_at for q, _ in answers],
        [json.dumps(s, ensure_ascii=False) for _, s in answers],
    )
    return int(result.split()[-1])


async def page(
    conn: Conn,
    seller_id: str | None,
    after: QueueKey | None,
    limit: int,
    patterns: list[str] | None = None,
    since: datetime | None = None,
) -> list[dict[str, Any]]:
    """One page of the queue after `after`, in (held_at, order_uid) order: O(limit) work
    without a search. `patterns` (search.patterns) match the order uid or a line's listing id,
    product name or option name; `since` keeps orders held from then on."""
    rows = await conn.fetch(
        """
        SELECT order_uid, seller_id, missing, held_at, event->'lines' AS lines, suggestions,
               suggested_at, event->'order'->>'marketplace' AS marketplace
        FROM held_orders
        WHERE ($1::text IS NULL OR seller_id = $1)
          AND ($2::timestamptz IS NULL OR (held_at, order_uid) > ($2, $3::text))
          AND ($6::timestamptz IS NULL OR held_at >= $6)
          AND ($5::text[] IS NULL OR order_uid ILIKE ANY($5::text[]) OR EXISTS (
                SELECT 1 FROM jsonb_array_elements(event->'lines') l
                WHERE l->>'listing_id' ILIKE ANY($5::text[])
                   OR l->>'product_name' ILIKE ANY($5::text[])
                   OR l->>'option_name' ILIKE ANY($5::text[])))
        ORDER BY held_at, order_uid LIMIT $4
        """,
        seller_id,
        after[0] if after else None,
        after[1] if after else None,
        limit,
        patterns,
        since,
    )
    return [
        {
            **dict(r),
            "missing": json.loads(r["missing"]),
            "lines": json.loads(r["lines"]),
            "suggestions": json.loads(r["suggestions"]) if r["suggestions"] else {},
        }
        for r in rows
    ]
