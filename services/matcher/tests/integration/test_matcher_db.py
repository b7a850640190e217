"""Matching against real PostgreSQL: held orders are released by a learned mapping."""

import asyncio
from typing import Any

from packline_contracts import OrderMatched, SkuLine
from packline_launcher.testing import collected, line
from packline_matcher.adapters import catalogue
from packline_matcher.bootstrap import MIGRATIONS
from packline_matcher.domain.catalogue import CatalogueItem
from packline_matcher.service_layer import use_cases
from packline_runtime.unit_of_work import unit_of_work

KEY = ("s1", "COUPANG", "7001", "70011")


async def _catalogue(pool: Any, *skus: str) -> None:
    async with unit_of_work(pool) as uow:
        await catalogue.upsert(uow.conn, "s1", [CatalogueItem(s, s) for s in skus], "tester")


async def test_a_learned_mapping_releases_every_waiting_order_and_later_ones_match(
    new_schema: Any,
) -> None:
    pool = await new_schema(MIGRATIONS, prefix="match")
    await _catalogue(pool, "RICE")
    waiting = [collected(n, line("7001", "70011")) for n in range(3)]
    async with unit_of_work(pool) as uow:
        await use_cases.handle_events(uow, waiting)
        assert uow.emitted == []
    async with unit_of_work(pool) as uow:
        released = await use_cases.add_mapping(
            uow, KEY, [SkuLine(sku="RICE", quantity=1)], "tester"
        )
        assert sorted(released) == sorted(o.order.uid for o in waiting)
        assert all(isinstance(e, OrderMatched) for e in uow.emitted)
    later = collected(9, line("7001", "70011"))
    async with unit_of_work(pool) as uow:
        await use_cases.handle_events(uow, [later])
        assert [e.order for e in uow.emitted] == [later.order]  # type: ignore[attr-defined]
    assert await pool.fetchval("SELECT count(*) FROM held_orders") == 0


async def test_an_order_arriving_while_its_mapping_is_added_is_never_stranded(
    new_schema: Any,
) -> None:
    pool = await new_schema(MIGRATIONS, prefix="match")
    await _catalogue(pool, "RICE")
    orders = [collected(n, line("7001", "70011")) for n in range(30)]

    async def deliver() -> None:
        for o in orders:
            async with unit_of_work(pool) as uow:
                await use_cases.handle_events(uow, [o])

    async def learn() -> None:
        await asyncio.sleep(0.01)
        async with unit_of_work(pool) as uow:
            await use_cases.add_mapping(uow, KEY, [SkuLine(sku="RICE", quantity=1)], "tester")

    await asyncio.gather(deliver(), learn())
    assert await pool.fetchval("SELECT count(*) FROM held_orders") == 0
    assert await pool.fetchval("SELECT count(*) FROM matched_orders") == 30
    assert (
        await pool.fetchval("SELECT count(*) FROM outbox WHERE event_type = 'OrderMatched'") == 30
    )


async def test_a_redelivered_order_is_matched_once(new_schema: Any) -> None:
    pool = await new_schema(MIGRATIONS, prefix="match")
    await _catalogue(pool, "RICE")
    async with unit_of_work(pool) as uow:
        await use_cases.add_mapping(uow, KEY, [SkuLine(sku="RICE", quantity=1)], "tester")
    order = collected(1, line("7001", "70011"))
    for _ in range(2):
        async with unit_of_work(pool) as uow:
            await use_cases.handle_events(uow, [order])
    assert await pool.fetchval("SELECT count(*) FROM outbox WHERE event_type = 'OrderMatched'") == 1


async def test_two_sellers_orders_with_one_id_are_both_matched(new_schema: Any) -> None:
    pool = await new_schema(MIGRATIONS, prefix="match")
    orders = [collected(1, line("7001", "70011"), seller=s) for s in ("seller-a", "seller-b")]
    async with unit_of_work(pool) as uow:
        for seller in ("seller-a", "seller-b"):
            await catalogue.upsert(uow.conn, seller, [CatalogueItem("RICE", "RICE")], "tester")
            key = (seller, "COUPANG", "7001", "70011")
            await use_cases.add_mapping(uow, key, [SkuLine(sku="RICE", quantity=1)], "tester")
    async with unit_of_work(pool) as uow:
        await use_cases.handle_events(uow, orders)
        assert [e.order for e in uow.emitted] == [o.order for o in orders]  # type: ignore[attr-defined]
    assert await pool.fetchval("SELECT count(*) FROM matched_orders") == 2
