"""SQL for the seller's order list (GET /orders): searched by the order's ids (never by
recipient data), from a collection time on, newest first, and the matching orders per status."""

from datetime import datetime
from typing import Any

from packline_runtime import search
from packline_runtime.db import Conn

# `q` looks in these: the marketplace's order id (Coupang shipmentBoxId, Naver productOrderId),
# its order number besides (Coupang orderId) and the id of the upload that registered it
_MATCHING = search.matching(
    2, "o.marketplace_order_id", "n.marketplace_order_no", "o.batch_id::text"
)
_FROM = f"""
    FROM orders o
    LEFT JOIN order_marketplace_numbers n
      ON (n.seller_id, n.marketplace, n.marketplace_order_id)
         = (o.seller_id, o.marketplace, o.marketplace_order_id)
    WHERE o.seller_id = $1 AND {_MATCHING} AND ($3::timestamptz IS NULL OR o.collected_at >= $3)
"""


async def listed(
    conn: Conn, seller_id: str, q: str | None, since: datetime | None, limit: int, offset: int
) -> list[dict[str, Any]]:
    rows = await conn.fetch(
        f"""
        SELECT o.marketplace, o.marketplace_order_id, n.marketplace_order_no, o.seller_id,
               o.source, o.batch_id, o.status, o.paid_at, o.collected_at, o.updated_at
        {_FROM}
        ORDER BY o.collected_at DESC, o.marketplace, o.marketplace_order_id
        LIMIT $4 OFFSET $5
        """,
        seller_id,
        search.patterns(q),
        since,
        limit,
        offset,
    )
    return [dict(r) for r in rows]


async def counts(
    conn: Conn, seller_id: str, q: str | None, since: datetime | None
) -> dict[str, int]:
    rows = await conn.fetch(
        f"SELECT o.status, count(*) AS n {_FROM} GROUP BY o.status",
        seller_id,
        search.patterns(q),
        since,
    )
    return {r["status"]: int(r["n"]) for r in rows}
