"""Read-only SQL behind the waybill HTTP views."""

import json
from typing import Any

from packline_runtime.db import Conn


async def get(conn: Conn, tracking_number: str) -> dict[str, Any] | None:
    row = await conn.fetchrow(
        """
        SELECT bundle_id, seller_id, courier_code, tracking_number, status, members,
               issued_at, voided_at
        FROM waybills WHERE tracking_number = $1
        """,
        tracking_number,
    )
    return {**dict(row), "members": json.loads(row["members"])} if row else None


async def list_by_status(
    conn: Conn, status: str, limit: int, offset: int = 0
) -> list[dict[str, Any]]:
    rows = await conn.fetch(
        """
        SELECT tracking_number, bundle_id, courier_code, seller_id, status, issued_at, voided_at
        FROM waybills WHERE status = $1
        ORDER BY issued_at DESC, tracking_number DESC LIMIT $2 OFFSET $3
        """,
        status,
        limit,
        offset,
    )
    return [dict(r) for r in rows]


async def counts_by_status(conn: Conn) -> dict[str, int]:
    rows = await conn.fetch("SELECT status, count(*) AS n FROM waybills GROUP BY status")
    return {"issued": 0, "voided": 0} | {r["status"].lower(): int(r["n"]) for r in rows}
