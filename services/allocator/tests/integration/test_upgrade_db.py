"""An allocator database from before order uids named the seller is upgraded in place: a
reserved order and its tombstone are found by the new uid, and a release frees its stock."""

import uuid
from datetime import UTC, datetime
from typing import Any

import asyncpg
import pytest

from packline_allocator.adapters.unit_of_work import AllocatorUnitOfWork
from packline_allocator.bootstrap import MIGRATIONS
from packline_allocator.service_layer import stock_moves
from packline_allocator.service_layer.batch import Batch
from packline_launcher.testing import bundle, collected, line, matched
from packline_runtime import tombstones
from packline_runtime.unit_of_work import UnitOfWork

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
        async with conn.transaction():
            work = AllocatorUnitOfWork(UnitOfWork(conn))
            found = list((await work.orders.lock(["s1:COUPANG:1", "s1:COUPANG:2"])).values())
            assert await tombstones.cancelled_among(conn, ["s1:COUPANG:2"]) == {"s1:COUPANG:2"}
            await stock_moves.cancels_took_effect(work, Batch(), ["s1:COUPANG:2"])
        stock = await conn.fetchrow("SELECT on_hand, allocated FROM stock")
        with pytest.raises(asyncpg.ForeignKeyViolationError):
            await conn.execute(
                "INSERT INTO reservations (order_uid, seller_id, sku, quantity) VALUES ('COUPANG:1', 's1', 'A', 1)"
            )
    assert sorted(o.order_uid for o in found) == ["s1:COUPANG:1", "s1:COUPANG:2"]
    assert [o.reserved for o in found] == [True, True]
    assert (stock["on_hand"], stock["allocated"]) == (5, 1)


async def test_orders_allocated_before_the_upgrade_count_as_allocated_then(
    new_schema: Any,
) -> None:
    """005: orders of bundles allocated earlier take their bundle's allocation time, but for
    cancelled ones; orders of waiting bundles have none."""
    pool, upgrade = await new_schema.before(MIGRATIONS, "005_allocated_orders.sql", prefix="alloc")
    allocated, waiting = uuid.uuid4(), uuid.uuid4()
    async with pool.acquire() as conn:
        await conn.execute(
            "INSERT INTO bundles (bundle_id, seller_id, status, paid_at, event, allocated_at) "
            "VALUES ($1, 's1', 'ALLOCATED', now(), '{}', '2026-11-30T01:00:00Z'), "
            "($2, 's1', 'WAITING', now(), '{}', NULL)",
            allocated,
            waiting,
        )
        await conn.executemany(
            "INSERT INTO bundle_orders (order_uid, bundle_id, sku_lines, status) "
            "VALUES ($1, $2, '{}', $3)",
            [
                ("s1:COUPANG:1", allocated, "LIVE"),
                ("s1:COUPANG:2", allocated, "SHIPPED"),
                ("s1:COUPANG:3", allocated, "CANCELLED"),
                ("s1:COUPANG:4", waiting, "LIVE"),
            ],
        )

    await upgrade()

    rows = await pool.fetch("SELECT order_uid, allocated_at FROM bundle_orders ORDER BY 1")
    at = await pool.fetchval("SELECT allocated_at FROM bundles WHERE bundle_id = $1", allocated)
    assert [(r["order_uid"], r["allocated_at"]) for r in rows] == [
        ("s1:COUPANG:1", at),
        ("s1:COUPANG:2", at),
        ("s1:COUPANG:3", None),
        ("s1:COUPANG:4", None),
    ]


async def test_orders_stored_before_rules_get_marketplace_amount_and_waiting_time(
    new_schema: Any,
) -> None:
    """007: what the rule criteria weigh comes from the stored BundleFormed (amount), the order
    uid (marketplace) and the bundle's arrival (waiting since); a wave then reads them."""
    pool, upgrade = await new_schema.before(
        MIGRATIONS, "007_rule_sets_and_waves.sql", prefix="alloc"
    )
    one, two = collected(1, line(quantity=3)), collected(2)
    formed = bundle(matched(one, {"A": 1}), matched(two, {"A": 1}))
    arrived = datetime(2026, 11, 30, 1, 0, tzinfo=UTC)
    async with pool.acquire() as conn:
        await conn.execute(
            "INSERT INTO bundles (bundle_id, seller_id, paid_at, event, received_at) "
            "VALUES ($1, 's1', $2, $3::jsonb, $4)",
            formed.bundle_id,
            formed.paid_at,
            formed.model_dump_json(),
            arrived,
        )
        await conn.executemany(
            "INSERT INTO bundle_orders (order_uid, bundle_id, sku_lines) "
            "VALUES ($1, $2, '{\"A\": 1}')",
            [
                (one.order.uid, formed.bundle_id),
                (two.order.uid, formed.bundle_id),
                ("s1:NAVER:x", formed.bundle_id),
            ],
        )

    await upgrade()

    rows = await pool.fetch(
        "SELECT order_uid, marketplace, amount_krw, waiting_since FROM bundle_orders ORDER BY 1"
    )
    assert [tuple(r) for r in rows] == [
        (one.order.uid, "COUPANG", 30_000, arrived),
        (two.order.uid, "COUPANG", 10_000, arrived),
        ("s1:NAVER:x", "NAVER", 0, arrived),  # not in the event: no amount known
    ]
    async with pool.acquire() as conn, conn.transaction():
        [waiting] = await AllocatorUnitOfWork(UnitOfWork(conn)).bundles.waiting("s1", None)
    assert (waiting.amount_krw, waiting.marketplaces, waiting.waiting_since) == (
        40_000,
        frozenset({"COUPANG", "NAVER"}),
        arrived,
    )
