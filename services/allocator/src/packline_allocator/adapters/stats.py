"""The allocator's counts (`/stats`): of one seller for a seller's people, of all for the
platform's sre role; what passed allocation since a moment (`/flow`)."""

from datetime import datetime

from packline_runtime.db import Conn


async def stats(conn: Conn, seller_id: str | None) -> dict[str, int]:
    """Bundles per status, live orders waiting, negative stock rows: of one seller, or of all
    (None, the platform's view)."""
    rows = await conn.fetch(
        "SELECT status, count(*) AS n FROM bundles WHERE ($1::text IS NULL OR seller_id = $1) "
        "GROUP BY status",
        seller_id,
    )
    counts = {r["status"].lower(): int(r["n"]) for r in rows}
    counts["waiting_orders"] = int(
        await conn.fetchval(
            """
            SELECT count(*) FROM bundle_orders o JOIN bundles b USING (bundle_id)
            WHERE b.status = 'WAITING' AND o.status = 'LIVE'
              AND ($1::text IS NULL OR b.seller_id = $1)
            """,
            seller_id,
        )
        or 0
    )
    negative = await conn.fetchval(
        "SELECT count(*) FROM stock WHERE (on_hand < 0 OR allocated < 0) "
        "AND ($1::text IS NULL OR seller_id = $1)",
        seller_id,
    )
    counts["negative_stock_rows"] = int(negative or 0)
    return counts


async def flow(
    conn: Conn, seller_id: str | None, since: datetime
) -> tuple[dict[str, int], dict[str, datetime | None]]:
    """Bundles and orders allocated from `since` on, and when the oldest bundle still waiting
    arrived: of one seller, or of all (None)."""
    row = await conn.fetchrow(
        """
        SELECT (SELECT count(*) FROM bundles
                WHERE allocated_at >= $2 AND ($1::text IS NULL OR seller_id = $1))
                   AS allocated_bundles,
               (SELECT count(*) FROM bundle_orders o JOIN bundles b USING (bundle_id)
                WHERE o.allocated_at >= $2 AND ($1::text IS NULL OR b.seller_id = $1))
                   AS allocated_orders,
               (SELECT min(received_at) FROM bundles
                WHERE status = 'WAITING' AND ($1::text IS NULL OR seller_id = $1)) AS waiting
        """,
        seller_id,
        since,
    )
    assert row is not None
    done = {
        "allocated_bundles": int(row["allocated_bundles"]),
        "allocated_orders": int(row["allocated_orders"]),
    }
    return done, {"waiting": row["waiting"]}
