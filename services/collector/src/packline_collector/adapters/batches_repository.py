"""SQL for 주문등록 batches: the row each upload that registered orders leaves, and the list of a
seller's batches with what is left of them (orders not deleted, their marketplaces, whether one
is already past matching, which refuses a plain delete)."""

import uuid
from typing import Any

from packline_runtime.db import Conn


async def record(
    conn: Conn, seller_id: str, batch_id: uuid.UUID, source: str, registered_by: str, created: int
) -> None:
    """Registered at the transaction's time, the same `collected_at` its orders get."""
    await conn.execute(
        """
        INSERT INTO order_batches (seller_id, batch_id, source, registered_by, registered)
        VALUES ($1, $2, $3, $4, $5)
        ON CONFLICT (seller_id, batch_id) DO NOTHING
        """,
        seller_id,
        batch_id,
        source,
        registered_by,
        created,
    )


async def listed(
    conn: Conn, seller_id: str, source: str, limit: int, offset: int
) -> list[dict[str, Any]]:
    """Newest first; a batch none of whose orders is left (all deleted) is not listed. Past
    matching: shipped, or still COLLECTED but matched (the delete's own rule)."""
    rows = await conn.fetch(
        """
        SELECT b.batch_id, b.registered_at, b.registered_by, b.registered, o.orders,
               o.marketplaces, o.past_matching
        FROM order_batches b
        CROSS JOIN LATERAL (
            SELECT count(*) AS orders,
                   coalesce(array_agg(DISTINCT marketplace ORDER BY marketplace),
                            '{}'::text[]) AS marketplaces,
                   coalesce(bool_or(status = 'SHIPPED'
                                    OR (status = 'COLLECTED' AND matched_at IS NOT NULL)),
                            false) AS past_matching
            FROM orders
            WHERE batch_id = b.batch_id AND seller_id = b.seller_id AND status <> 'DELETED'
        ) o
        WHERE b.seller_id = $1 AND b.source = $2 AND o.orders > 0
        ORDER BY b.registered_at DESC, b.batch_id
        LIMIT $3 OFFSET $4
        """,
        seller_id,
        source,
        limit,
        offset,
    )
    return [{**dict(r), "orders": int(r["orders"])} for r in rows]
