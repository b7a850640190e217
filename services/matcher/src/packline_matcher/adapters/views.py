"""SQL for what the dashboard reads: counts (/stats) and the day's flow (/flow)."""

from datetime import datetime

from packline_runtime.db import Conn


async def stats(conn: Conn, seller_id: str | None) -> dict[str, int]:
    """Counts for /stats: one seller's, or (None) every seller's. An order uid begins with its
    seller (`seller:marketplace:id`)."""
    row = await conn.fetchrow(
        """
        SELECT (SELECT count(*) FROM matched_orders
                WHERE $1::text IS NULL OR seller_id = $1) AS matched,
               (SELECT count(*) FROM held_orders
                WHERE $1::text IS NULL OR seller_id = $1) AS unmatched,
               (SELECT count(*) FROM mappings
                WHERE $1::text IS NULL OR seller_id = $1) AS mappings,
               (SELECT count(*) FROM cancelled_orders
                WHERE $1::text IS NULL OR starts_with(order_uid, $1 || ':')) AS cancelled
        """,
        seller_id,
    )
    assert row is not None
    return {k: int(v) for k, v in dict(row).items()}


async def flow(
    conn: Conn, seller_id: str | None, since: datetime
) -> tuple[dict[str, int], dict[str, datetime | None]]:
    """/flow: orders matched from `since` on (an order matched again after its mapping was
    deleted counts once, at its latest match), and when the oldest order still waiting in the
    unmatched queue was held. One seller's, or (None) every seller's."""
    row = await conn.fetchrow(
        """
        SELECT (SELECT count(*) FROM matched_orders
                WHERE ($1::text IS NULL OR seller_id = $1) AND matched_at >= $2) AS matched,
               (SELECT min(held_at) FROM held_orders
                WHERE $1::text IS NULL OR seller_id = $1) AS unmatched
        """,
        seller_id,
        since,
    )
    assert row is not None
    return {"matched": int(row["matched"])}, {"unmatched": row["unmatched"]}
