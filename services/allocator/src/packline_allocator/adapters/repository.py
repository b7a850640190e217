"""SQL for the console's stock list (stock is written through its ledgers: adapters/stock.py)."""

from typing import Any

from packline_runtime import search
from packline_runtime.db import Conn


async def stock_levels(
    conn: Conn, seller_id: str, limit: int = 1000, offset: int = 0, q: str | None = None
) -> list[dict[str, Any]]:
    """The seller's stock rows by SKU; `q`: only SKUs containing one of its terms."""
    rows = await conn.fetch(
        f"""
        SELECT sku, on_hand, allocated, safety,
               greatest(on_hand - allocated - safety, 0) AS available, updated_at
        FROM stock WHERE seller_id = $1 AND {search.matching(4, "sku")}
        ORDER BY sku LIMIT $2 OFFSET $3
        """,
        seller_id,
        limit,
        offset,
        search.patterns(q),
    )
    return [dict(r) for r in rows]
