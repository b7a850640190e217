"""SQL for cancellation tombstones: a cancel may arrive before the waybill it concerns."""

from collections.abc import Sequence

from packline_runtime.db import Conn


async def tombstone(conn: Conn, uids: Sequence[str]) -> None:
    await conn.execute(
        "INSERT INTO cancelled_orders (order_uid) SELECT unnest($1::text[]) ON CONFLICT DO NOTHING",
        list(uids),
    )


async def cancelled_among(conn: Conn, uids: Sequence[str]) -> set[str]:
    rows = await conn.fetch(
        "SELECT order_uid FROM cancelled_orders WHERE order_uid = ANY($1::text[])", list(uids)
    )
    return {r["order_uid"] for r in rows}
