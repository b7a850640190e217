"""The record of human decisions (who, when, why): matches, merges, unmerges, settings."""

import json
from typing import Any

from packline_runtime.db import Conn


async def record(
    conn: Conn, seller_id: str, action: str, subject: dict[str, Any], by: str, reason: str
) -> None:
    await conn.execute(
        """
        INSERT INTO decisions (seller_id, action, subject, decided_by, reason)
        VALUES ($1, $2, $3::jsonb, $4, $5)
        """,
        seller_id,
        action,
        json.dumps(subject, ensure_ascii=False, default=str),
        by,
        reason,
    )


async def recent(
    conn: Conn, seller_id: str, action: str | None, limit: int, offset: int = 0
) -> list[dict[str, Any]]:
    rows = await conn.fetch(
        """
        SELECT decision_id, action, subject, decided_by, reason, decided_at FROM decisions
        WHERE seller_id = $1 AND ($2::text IS NULL OR action = $2)
        ORDER BY decision_id DESC LIMIT $3 OFFSET $4
        """,
        seller_id,
        action,
        limit,
        offset,
    )
    return [{**dict(r), "subject": json.loads(r["subject"])} for r in rows]
