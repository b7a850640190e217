"""SQL for the unmatched queue as people page through it, and its precomputed suggestions."""

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from packline_matcher.domain.queue import QueuedOrder, ToSuggest, WaitingLine
from packline_matcher.domain.suggestions import Suggestion
from packline_runtime.db import Conn

QueueKey = tuple[datetime, str]  # (held_at, order_uid): the queue's stable order


def _line(stored: dict[str, Any]) -> WaitingLine:
    return WaitingLine(
        stored["line_id"],
        stored.get("listing_id", ""),
        stored.get("option_id", ""),
        stored.get("product_name", ""),
        stored.get("option_name", ""),
        stored.get("quantity", 0),
    )


def _missing(stored: str) -> list[tuple[str, str]]:
    return [(m[0], m[1]) for m in json.loads(stored)]


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
        missing = set(_missing(r["missing"]))
        lines = [
            line
            for line in map(_line, json.loads(r["lines"]))
            if (line.listing_id, line.option_id) in missing
        ]
        found.append(ToSuggest(r["order_uid"], r["seller_id"], r["asked_at"], lines))
    return found


async def store(
    conn: Conn, answers: Sequence[tuple[ToSuggest, dict[str, list[Suggestion]]]]
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
        [
            json.dumps(
                {k: [s.__dict__ for s in v] for k, v in per_line.items()}, ensure_ascii=False
            )
            for _, per_line in answers
        ],
    )
    return int(result.split()[-1])


def _suggestions(stored: str | None) -> dict[str, list[Suggestion]]:
    found = json.loads(stored) if stored else {}
    return {line_id: [Suggestion(**s) for s in ranked] for line_id, ranked in found.items()}


async def page(
    conn: Conn,
    seller_id: str | None,
    after: QueueKey | None,
    limit: int,
    patterns: list[str] | None = None,
    since: datetime | None = None,
) -> list[QueuedOrder]:
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
        QueuedOrder(
            order_uid=r["order_uid"],
            seller_id=r["seller_id"],
            marketplace=r["marketplace"],
            held_at=r["held_at"],
            missing=_missing(r["missing"]),
            lines=[_line(li) for li in json.loads(r["lines"])],
            suggestions=_suggestions(r["suggestions"]),
            suggested_at=r["suggested_at"],
        )
        for r in rows
    ]
