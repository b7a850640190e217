"""Read-only SQL behind the shipper's HTTP views (no personal data is stored here)."""

import json
from datetime import datetime
from typing import Any

from packline_runtime import search
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
    conn: Conn,
    seller_id: str,
    status: str,
    limit: int,
    offset: int = 0,
    q: str | None = None,
    since: datetime | None = None,
) -> list[dict[str, Any]]:
    """`q`: a term in the tracking number or in a member order's marketplace order id;
    `since`: parcels recorded from then on."""
    rows = await conn.fetch(
        f"""
        SELECT tracking_number, bundle_id, parcel_id, courier_code, seller_id, status, created_at, shipped_at
        FROM parcels WHERE seller_id = $4 AND status = $1
          AND ($6::timestamptz IS NULL OR created_at >= $6)
          AND ({search.matching(5, "tracking_number")}
               OR EXISTS (SELECT 1 FROM jsonb_array_elements(members) AS m
                          WHERE m -> 'order' ->> 'marketplace_order_id' ILIKE ANY($5::text[])))
        ORDER BY created_at, tracking_number LIMIT $2 OFFSET $3
        """,
        status,
        limit,
        offset,
        seller_id,
        search.patterns(q),
        since,
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


async def flow(
    conn: Conn, seller_id: str | None, since: datetime
) -> tuple[dict[str, int], dict[str, datetime | None]]:
    """Parcels scanned out from `since` on and the orders they carried (a member cancelled
    before the scan did not ship), and when the oldest parcel still READY was recorded: of one
    seller, or of all (None)."""
    row = await conn.fetchrow(
        """
        WITH shipped AS (
            SELECT members FROM parcels
            WHERE shipped_at >= $2 AND status = 'SHIPPED' AND ($1::text IS NULL OR seller_id = $1)
        )
        SELECT (SELECT count(*) FROM shipped) AS shipped_parcels,
               (SELECT count(*) FROM shipped, jsonb_array_elements(members) AS m
                WHERE NOT coalesce((m ->> 'cancelled')::boolean, false)) AS shipped_orders,
               (SELECT min(created_at) FROM parcels
                WHERE status = 'READY' AND ($1::text IS NULL OR seller_id = $1)) AS ready
        """,
        seller_id,
        since,
    )
    assert row is not None
    done = {
        "shipped_parcels": int(row["shipped_parcels"]),
        "shipped_orders": int(row["shipped_orders"]),
    }
    return done, {"ready": row["ready"]}
