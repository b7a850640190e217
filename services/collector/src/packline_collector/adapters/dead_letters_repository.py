"""Other stages' dead letters, kept per order they concern (order_dead_letters)."""

from collections.abc import Sequence

from packline_collector.domain.stranded import OrderDeadLetter
from packline_contracts import DeadLettered
from packline_runtime.db import Conn


async def note(conn: Conn, letters: Sequence[DeadLettered]) -> None:
    """Upsert each letter's latest state; an older announcement never overwrites a newer one."""
    rows = [
        (
            uid,
            e.consumer,
            e.dead_letter_id,
            e.service or e.consumer,
            e.failed_event_type,
            e.error,
            e.status,
            e.attempts,
            e.occurred_at,
        )
        for e in letters
        for uid in e.order_uids
    ]
    if not rows:
        return
    await conn.executemany(
        """
        INSERT INTO order_dead_letters AS d (order_uid, consumer, dead_letter_id, service,
            failed_event_type, error, status, attempts, failed_at, updated_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)
        ON CONFLICT (consumer, dead_letter_id, order_uid) DO UPDATE SET
            error = excluded.error, status = excluded.status, attempts = excluded.attempts,
            updated_at = excluded.updated_at
        WHERE excluded.updated_at >= d.updated_at
        """,
        rows,
    )


async def open_for(conn: Conn, order_uid: str) -> list[OrderDeadLetter]:
    rows = await conn.fetch(
        """
        SELECT service, consumer, dead_letter_id, failed_event_type, error, attempts,
               failed_at, updated_at
        FROM order_dead_letters WHERE order_uid = $1 AND status = 'OPEN'
        ORDER BY failed_at, dead_letter_id
        """,
        order_uid,
    )
    return [OrderDeadLetter.model_validate(dict(r)) for r in rows]
