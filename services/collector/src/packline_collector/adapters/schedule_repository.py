"""SQL for scheduled jobs run by one replica at a time: take the job's lease when it is due and
no replica holds it, and give it back with the time of the next run."""

from datetime import timedelta

from packline_runtime.db import Conn


async def lease_if_due(conn: Conn, name: str, owner: str, lease: timedelta) -> bool:
    """True when `owner` now holds the job: it was due and nobody held it (or a lease ran out,
    e.g. its replica died mid-run)."""
    await conn.execute("INSERT INTO scheduled_jobs (name) VALUES ($1) ON CONFLICT DO NOTHING", name)
    taken = await conn.fetchval(
        """
        UPDATE scheduled_jobs SET lease_owner = $2, lease_until = now() + $3::interval
        WHERE name = $1 AND next_run_at <= now()
          AND (lease_until IS NULL OR lease_until < now())
        RETURNING true
        """,
        name,
        owner,
        lease,
    )
    return bool(taken)


async def release(conn: Conn, name: str, owner: str, interval: timedelta) -> None:
    await conn.execute(
        """
        UPDATE scheduled_jobs SET lease_owner = NULL, lease_until = NULL, last_run_at = now(),
               next_run_at = now() + $3::interval
        WHERE name = $1 AND lease_owner = $2
        """,
        name,
        owner,
        interval,
    )
