"""Pruning of the runtime tables (outbox, inbox, dead letters), a bounded batch at a time.

Invariant: a published outbox row is kept `outbox_retention` (a broker that comes back empty is
refilled from what is kept), an inbox row at least that long plus a margin (a re-sent event is
still recognised as a duplicate), and a dead letter only once resolved (unresolved letters wait
for a person, however old). Each call deletes at most `batch` rows per table, so a backlog is
worked off in short transactions, never one giant DELETE.
"""

from dataclasses import dataclass
from datetime import timedelta

from packline_runtime.db import Conn
from packline_runtime.settings import Settings


@dataclass(frozen=True)
class Retention:
    outbox: timedelta
    inbox: timedelta
    dead_letters: timedelta
    batch: int = 5_000

    @classmethod
    def from_settings(cls, settings: Settings) -> "Retention":
        return cls(
            outbox=timedelta(hours=settings.outbox_retention_hours),
            inbox=timedelta(hours=settings.inbox_retention_hours),
            dead_letters=timedelta(hours=settings.dead_letter_retention_hours),
            batch=settings.prune_batch_size,
        )


async def prune_outbox(conn: Conn, older_than: timedelta, batch: int) -> int:
    """Delete up to `batch` outbox rows published longer than `older_than` ago."""
    result = await conn.execute(
        """
        DELETE FROM outbox WHERE id IN (
            SELECT id FROM outbox
            WHERE published_at IS NOT NULL AND published_at < now() - $1::interval
            ORDER BY published_at
            LIMIT $2
            FOR UPDATE SKIP LOCKED
        )
        """,
        older_than,
        batch,
    )
    return _count(result)


async def prune_inbox(conn: Conn, older_than: timedelta, batch: int) -> int:
    """Delete up to `batch` inbox rows received longer than `older_than` ago."""
    result = await conn.execute(
        """
        DELETE FROM inbox WHERE (consumer, event_id) IN (
            SELECT consumer, event_id FROM inbox
            WHERE received_at < now() - $1::interval
            ORDER BY received_at
            LIMIT $2
            FOR UPDATE SKIP LOCKED
        )
        """,
        older_than,
        batch,
    )
    return _count(result)


async def prune_dead_letters(conn: Conn, older_than: timedelta, batch: int) -> int:
    """Delete up to `batch` dead letters resolved longer than `older_than` ago."""
    result = await conn.execute(
        """
        DELETE FROM dead_letters WHERE id IN (
            SELECT id FROM dead_letters
            WHERE status <> 'OPEN' AND redriven_at < now() - $1::interval
            ORDER BY redriven_at
            LIMIT $2
            FOR UPDATE SKIP LOCKED
        )
        """,
        older_than,
        batch,
    )
    return _count(result)


async def prune(conn: Conn, retention: Retention) -> int:
    """One bounded round over the three tables; returns how many rows went."""
    return (
        await prune_outbox(conn, retention.outbox, retention.batch)
        + await prune_inbox(conn, retention.inbox, retention.batch)
        + await prune_dead_letters(conn, retention.dead_letters, retention.batch)
    )


def _count(status: str) -> int:
    """asyncpg answers "DELETE n"."""
    return int(status.rsplit(" ", 1)[-1])
