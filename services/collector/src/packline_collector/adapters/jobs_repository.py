"""SQL for collection jobs: a row per run, its counts updated as it goes, pollable."""

import json
import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from packline_runtime.db import Conn

COUNTS = (
    "fetched",
    "created",
    "unchanged",
    "cancelled",
    "recipient_changed",
    "acknowledged",
    "needs_attention",
)


async def start(
    conn: Conn,
    seller_id: str,
    kind: str,
    marketplaces: Sequence[str],
    period: tuple[datetime, datetime],
    accounts: int,
) -> uuid.UUID:
    job_id = uuid.uuid4()
    await conn.execute(
        """
        INSERT INTO collection_jobs (job_id, seller_id, kind, marketplaces, period_from, period_to,
                                     accounts_total)
        VALUES ($1, $2, $3, $4, $5, $6, $7)
        """,
        job_id,
        seller_id,
        kind,
        list(marketplaces),
        period[0],
        period[1],
        accounts,
    )
    return job_id


async def add(
    conn: Conn,
    job_id: uuid.UUID,
    counts: Mapping[str, int],
    problems: Sequence[str] = (),
    account_done: bool = False,
) -> None:
    """Add to the running counts (progress while the job runs)."""
    await conn.execute(
        f"""
        UPDATE collection_jobs SET
            {", ".join(f"{c} = {c} + ${n}" for n, c in enumerate(COUNTS, start=2))},
            problems = problems || ${len(COUNTS) + 2}::jsonb,
            accounts_done = accounts_done + ${len(COUNTS) + 3}, updated_at = now()
        WHERE job_id = $1
        """,
        job_id,
        *[int(counts.get(c, 0)) for c in COUNTS],
        json.dumps(list(problems)[:200]),
        int(account_done),
    )


async def finish(conn: Conn, job_id: uuid.UUID, failed_accounts: int) -> None:
    await conn.execute(
        """
        UPDATE collection_jobs SET
            status = CASE WHEN $2 = 0 THEN 'SUCCEEDED'
                          WHEN $2 >= accounts_total THEN 'FAILED' ELSE 'PARTIAL' END,
            finished_at = now(), updated_at = now()
        WHERE job_id = $1
        """,
        job_id,
        failed_accounts,
    )


async def get(conn: Conn, seller_id: str, job_id: uuid.UUID) -> dict[str, Any] | None:
    """The seller's job; None for a missing one or another seller's."""
    row = await conn.fetchrow(
        "SELECT * FROM collection_jobs WHERE job_id = $1 AND seller_id = $2", job_id, seller_id
    )
    return _shown(row) if row else None


async def recent(
    conn: Conn, seller_id: str, limit: int = 50, offset: int = 0
) -> list[dict[str, Any]]:
    rows = await conn.fetch(
        "SELECT * FROM collection_jobs WHERE seller_id = $1 ORDER BY started_at DESC LIMIT $2 OFFSET $3",
        seller_id,
        limit,
        offset,
    )
    return [_shown(r) for r in rows]


def _shown(row: Any) -> dict[str, Any]:
    shown = dict(row)
    shown["problems"] = json.loads(shown["problems"])
    return shown
