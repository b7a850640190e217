"""Read-only SQL behind the shipper's HTTP views (no personal data is stored here)."""

import json
from typing import Any

from packline_runtime.db import Conn


async def get(conn: Conn, seller_id: str, tracking_number: str) -> dict[str, Any] | None:
    """The seller's parcel with this number; another seller's is not found."""
    row = await conn.fetchrow(
        """
        SELECT tracking_number, bundle_id, parcel_id, courier_code, seller_id, status, members,
               created_at, shipped_at, shipped_by
        FROM parcels WHERE seller_id = $1 AND tracking_number = $2
        """,
        seller_id,
        tracking_number,
    )
    if row is None:
        return None
    members = [
        {"order": m["uid"], "line_ids": m["line_ids"], "cancelled": m["cancelled"]}
        for m in json.loads(row["members"])
    ]
    return {**dict(row), "members": members}


async def list_by_status(
    conn: Conn, seller_id: str, status: str, limit: int, offset: int = 0
) -> list[dict[str, Any]]:
    rows = await conn.fetch(
        """
        SELECT tracking_number, bundle_id, parcel_id, courier_code, seller_id, status, created_at, shipped_at
        FROM parcels WHERE seller_id = $4 AND status = $1
        ORDER BY created_at, tracking_number LIMIT $2 OFFSET $3
        """,
        status,
        limit,
        offset,
        seller_id,
    )
    return [dict(r) for r in rows]


async def counts(conn: Conn, seller_id: str | None) -> dict[str, int]:
    """Parcels per status (lower case) and the cancellations this stage has heard of: of one
    seller, or of every seller (None: the platform's view). An order's uid starts with its
    seller's id and a colon."""
    rows = await conn.fetch(
        "SELECT status, count(*) AS n FROM parcels WHERE ($1::text IS NULL OR seller_id = $1) "
        "GROUP BY status",
        seller_id,
    )
    found = {"ready": 0, "shipped": 0, "stopped": 0, "relabel": 0, "voided": 0} | {
        r["status"].lower(): int(r["n"]) for r in rows
    }
    found["cancelled_orders"] = int(
        await conn.fetchval(
            "SELECT count(*) FROM cancelled_orders "
            "WHERE $1::text IS NULL OR starts_with(order_uid, $1 || ':')",
            seller_id,
        )
        or 0
    )
    return found
