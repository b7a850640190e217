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


async def claim_dead_lettered(conn: Conn, consumer: str, event_id: uuid.UUID) -> None:
    """Keep redeliveries of a dead-lettered event out, marked so a redrive may replace it."""
    await conn.execute(
        """
        INSERT INTO inbox (consumer, event_id, dead_lettered) VALUES ($1, $2, true)
        ON CONFLICT DO NOTHING
        """,
        consumer,
        event_id,
    )


async def release_dead_lettered(conn: Conn, consumer: str, event_id: uuid.UUID) -> bool:
    """Remove the dead-letter mark so the event can be claimed again. False when the event
    was processed meanwhile (its inbox row is a real one)."""
    processed = await conn.fetchval(
        """
        WITH released AS (
            DELETE FROM inbox WHERE consumer = $1 AND event_id = $2 AND dead_lettered
            RETURNING 1
        )
        SELECT EXISTS (
            SELECT 1 FROM inbox WHERE consumer = $1 AND event_id = $2 AND NOT dead_lettered
        )
        """,
        consumer,
        event_id,
    )
    return not processed
