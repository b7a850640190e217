"""SQL for the shipping cut-off gauge: each seller's oldest order not yet shipped (orders still
COLLECTED; cancelled, deleted and shipped ones wait for nothing), with the cut-off the seller
set (none: NULL, the collector's default applies)."""

from packline_collector.domain.shipping_cutoff import Waiting
from packline_runtime.db import Conn


async def oldest_unshipped_by_seller(conn: Conn) -> list[Waiting]:
    rows = await conn.fetch(
        """
        SELECT o.seller_id, o.oldest, c.cutoff
        FROM (SELECT seller_id, min(collected_at) AS oldest FROM orders
              WHERE status = 'COLLECTED' GROUP BY seller_id) AS o
        LEFT JOIN shipping_cutoffs AS c USING (seller_id)
        """
    )
    return [Waiting(r["seller_id"], r["oldest"], r["cutoff"]) for r in rows]
