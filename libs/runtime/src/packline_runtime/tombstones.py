"""Cancellation tombstones: which orders this service has heard were cancelled."""

from collections.abc import Sequence

from packline_runtime.db import Conn


async def record(conn: Conn, order_uids: Sequence[str]) -> None:
    await conn.execute(
        "INSERT INTO cancelled_orders (order_uid) SELECT unnest($1::text[]) ON CONFLICT DO NOTHING",
        list(order_uids),
    )


async def cancelled_among(conn: Conn, order_uids: Sequence[str]) -> set[str]:
    rows = await conn.fetch(
        "SELECT order_uid FROM cancelled_orders WHERE order_uid = ANY($1::text[])",
        list(order_uids),
    )
    return {row["order_uid"] for row in rows}


async def count(conn: Conn) -> int:
    return int(await conn.fetchval("SELECT count(*) FROM cancelled_orders") or 0)
