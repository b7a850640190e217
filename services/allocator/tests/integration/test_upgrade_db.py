"""An allocator database from before order uids named the seller is upgraded in place: a
reserved order and its tombstone are found by the new uid, and a release frees its stock."""

import uuid
from typing import Any

import asyncpg
import pytest

from packline_allocator.adapters import repository
from packline_allocator.bootstrap import MIGRATIONS
from packline_runtime import tombstones

NEWER = ("006_order_uids_include_seller.sql", "002_order_uids_include_seller.sql")


async def test_an_old_reservation_is_released_by_the_new_uid(new_schema: Any) -> None:
    pool, upgrade = await new_schema.before(MIGRATIONS, *NEWER, prefix="alloc")
    bundle_id = uuid.uuid4()
    async with pool.acquire() as conn:
        await conn.execute(
            "INSERT INTO stock (seller_id, sku, on_hand, allocated) VALUES ('s1', 'A', 5, 2)"
        )
        await conn.execute(
            "INSERT INTO bundles (bundle_id, seller_id, status, paid_at, event) "
            "VALUES ($1, 's1', 'ALLOCATED', now(), '{}')",
            bundle_id,
        )
        for order_id in ("1", "2"):
            await conn.execute(
                "INSERT INTO bundle_orders (order_uid, bundle_id, sku_lines) VALUES ($1, $2, '{}')",
                f"COUPANG:{order_id}",
                bundle_id,
            )
            await conn.execute(
                "INSERT INTO reservations (order_uid, seller_id, sku, quantity) VALUES ($1, 's1', 'A', 1)",
                f"COUPANG:{order_id}",
            )
        await conn.execute("INSERT INTO cancelled_orders (order_uid) VALUES ('COUPANG:2')")

    await upgrade()

    async with pool.acquire() as conn:
        found = await repository.lock_orders(conn, ["s1:COUPANG:1", "s1:COUPANG:2"])
        assert await tombstones.cancelled_among(conn, ["s1:COUPANG:2"]) == {"s1:COUPANG:2"}
        await repository.release(conn, ["s1:COUPANG:2"], leaves_on_hand=False)
        stock = await conn.fetchrow("SELECT on_hand, allocated FROM stock")
        with pytest.raises(asyncpg.ForeignKeyViolationError):
            await conn.execute(
                "INSERT INTO reservations (order_uid, seller_id, sku, quantity) VALUES ('COUPANG:1', 's1', 'A', 1)"
            )
    assert sorted(o.order_uid for o in found) == ["s1:COUPANG:1", "s1:COUPANG:2"]
    assert [o.reserved for o in found] == [True, True]
    assert (stock["on_hand"], stock["allocated"]) == (5, 1)
