"""SQL for what the console reads across bundles: the bundle list (합포 목록) and /flow. No
recipient data is read here: order uids, statuses and times only."""

from datetime import datetime
from typing import Any

from packline_runtime.db import Conn

LIVE = "NOT m.cancelled AND m.withdrawn_at IS NULL"  # a member still in its box


async def bundles(
    conn: Conn,
    seller_id: str,
    statuses: list[str] | None,
    patterns: list[str] | None,
    since: datetime | None,
    limit: int,
    offset: int,
) -> list[dict[str, Any]]:
    """One page of the seller's bundles, newest first. `patterns` (search.patterns) match the
    bundle id or a member's order uid; `since` keeps bundles opened or sealed from then on.
    Each row: its live members' uids (by payment time), the members that left it after sealing
    (cancelled, or withdrawn by a deleted mapping) and how many exact recipients it holds."""
    rows = await conn.fetch(
        f"""
        WITH page AS (
            SELECT b.bundle_id, b.status, b.revision, b.opened_at, b.sealed_at
            FROM bundles b
            WHERE b.seller_id = $1
              AND ($2::text[] IS NULL OR b.status = ANY($2::text[]))
              AND ($4::timestamptz IS NULL OR coalesce(b.sealed_at, b.opened_at) >= $4)
              AND ($3::text[] IS NULL OR b.bundle_id::text ILIKE ANY($3::text[])
                   OR EXISTS (SELECT 1 FROM bundle_members s WHERE s.bundle_id = b.bundle_id
                              AND s.order_uid ILIKE ANY($3::text[])))
            ORDER BY b.opened_at DESC, b.bundle_id DESC
            LIMIT $5 OFFSET $6
        )
        SELECT p.bundle_id, p.status, p.revision, p.opened_at, p.sealed_at,
               coalesce(array_agg(m.order_uid ORDER BY m.paid_at, m.order_uid)
                        FILTER (WHERE {LIVE}), '{{}}') AS orders,
               coalesce(array_agg(m.order_uid ORDER BY m.paid_at, m.order_uid)
                        FILTER (WHERE NOT ({LIVE})), '{{}}') AS left_orders,
               count(DISTINCT m.recipient_bundle_key) FILTER (WHERE {LIVE}) AS recipients
        FROM page p LEFT JOIN bundle_members m ON m.bundle_id = p.bundle_id
        GROUP BY p.bundle_id, p.status, p.revision, p.opened_at, p.sealed_at
        ORDER BY p.opened_at DESC, p.bundle_id DESC
        """,
        seller_id,
        statuses,
        patterns,
        since,
        limit,
        offset,
    )
    return [dict(r) for r in rows]


async def flow(
    conn: Conn, seller_id: str | None, since: datetime
) -> tuple[dict[str, int], dict[str, datetime | None]]:
    """/flow, one seller's or (None) every seller's. Done since `since`: bundles sealed (still
    SEALED or ALLOCATED: not dissolved) and the orders still in them. Oldest: the earliest an
    order still waiting in an OPEN bundle joined it, and the oldest PENDING review."""
    row = await conn.fetchrow(
        f"""
        SELECT (SELECT count(*) FROM bundles b
                WHERE ($1::text IS NULL OR b.seller_id = $1) AND b.sealed_at >= $2
                  AND b.status IN ('SEALED', 'ALLOCATED')) AS sealed_bundles,
               (SELECT count(*) FROM bundles b JOIN bundle_members m USING (bundle_id)
                WHERE ($1::text IS NULL OR b.seller_id = $1) AND b.sealed_at >= $2
                  AND b.status IN ('SEALED', 'ALLOCATED') AND {LIVE}) AS bundled_orders,
               (SELECT min(m.joined_at) FROM bundles b JOIN bundle_members m USING (bundle_id)
                WHERE ($1::text IS NULL OR b.seller_id = $1) AND b.status = 'OPEN'
                  AND {LIVE}) AS open,
               (SELECT min(created_at) FROM reviews
                WHERE status = 'PENDING' AND ($1::text IS NULL OR seller_id = $1)) AS review
        """,
        seller_id,
        since,
    )
    assert row is not None
    done = {
        "bundled_orders": int(row["bundled_orders"]),
        "sealed_bundles": int(row["sealed_bundles"]),
    }
    return done, {"open": row["open"], "review": row["review"]}
