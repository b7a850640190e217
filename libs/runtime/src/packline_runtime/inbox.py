"""Inbox: a primary key on (consumer, event_id) makes redelivered events no-ops."""

import uuid

from packline_runtime.db import Conn


async def claim_new(conn: Conn, consumer: str, event_ids: list[uuid.UUID]) -> set[uuid.UUID]:
    """Record the ids; return those never seen before (inside the caller's transaction)."""
    if not event_ids:
        return set()
    rows = await conn.fetch(
        """
        INSERT INTO inbox (consumer, event_id)
        SELECT $1, unnest($2::uuid[])
        ON CONFLICT DO NOTHING
        RETURNING event_id
        """,
        consumer,
        event_ids,
    )
    return {row["event_id"] for row in rows}
