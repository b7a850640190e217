"""SQL for the shipping cut-off gauge: when the oldest order not yet shipped was collected,
across sellers (orders still COLLECTED; cancelled, deleted and shipped ones wait for nothing)."""

from datetime import datetime

from packline_runtime.db import Conn


async def oldest_unshipped(conn: Conn) -> datetime | None:
    found: datetime | None = await conn.fetchval(
        "SELECT min(collected_at) FROM orders WHERE status = 'COLLECTED'"
    )
    return found
