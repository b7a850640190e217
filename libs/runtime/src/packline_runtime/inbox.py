"""Inbox: a primary key on (consumer, event_id) makes redelivered events no-ops."""

import uuid

from packline_runtime.db import Conn


async def claim_new(
    conn: Conn, consumer: str, event_ids: list[uuid.UUID], traceparents: list[str] | None = None
) -> set[uuid.UUID]:
    """Record the ids; return those never seen before (inside the caller's transaction)."""
    if not event_ids:
        return set()
    rows = await conn.fetch(
        """
        INSERT INTO inbox (consumer, event_id, traceparent)
        SELECT $1, * FROM unnest($2::uuid[], $3::text[])
        ON CONFLICT DO NOTHING
        RETURNING event_id
        """,
        consumer,
        event_ids,
        traceparents or [""] * len(event_ids),
    )
    return {row["event_id"] for row in rows}


async def traceparents(conn: Conn, event_ids: list[uuid.UUID]) -> dict[uuid.UUID, str]:
    rows = await conn.fetch(
        """
        SELECT DISTINCT ON (event_id) event_id, traceparent FROM inbox
        WHERE event_id = ANY($1::uuid[]) AND traceparent <> ''
        """,
        event_ids,
    )
    return {row["event_id"]: row["traceparent"] for row in rows}
