"""Allocation against real PostgreSQL: concurrent replicas never oversell; cancels that took
effect release."""

import asyncio
from typing import Any

from packline_allocator.bootstrap import MIGRATIONS
from packline_allocator.service_layer import use_cases
from packline_contracts import CancellationDecided, OrderCancelled, StockAllocated
from packline_launcher.testing import bundle, collected, matched
from packline_runtime.unit_of_work import unit_of_work


async def test_two_replicas_allocating_at_once_never_oversell(new_schema: Any) -> None:
    pool = await new_schema(MIGRATIONS, prefix="alloc")
    async with unit_of_work(pool) as uow:
        await use_cases.set_stock(uow, "s1", {"A": 7})
    bundles = [bundle(matched(collected(n), {"A": 1})) for n in range(20)]

    async def replica(part: list[Any]) -> None:
        for b in part:
            async with unit_of_work(pool) as uow:
                await use_cases.handle_events(uow, [b])

    await asyncio.gather(replica(bundles[::2]), replica(bundles[1::2]))
    row = await pool.fetchrow("SELECT on_hand, allocated FROM stock WHERE sku = 'A'")
    assert (row["on_hand"], row["allocated"]) == (7, 7)
    assert await pool.fetchval("SELECT count(*) FROM bundles WHERE status = 'ALLOCATED'") == 7
    assert (
        await pool.fetchval("SELECT count(*) FROM outbox WHERE event_type = 'StockAllocated'") == 7
    )


async def test_waiting_bundles_are_allocated_in_paid_order_when_stock_arrives(
    new_schema: Any,
) -> None:
    pool = await new_schema(MIGRATIONS, prefix="alloc")
    late, early = bundle(matched(collected(9), {"A": 1})), bundle(matched(collected(1), {"A": 1}))
    async with unit_of_work(pool) as uow:
        await use_cases.handle_events(uow, [late, early])
    assert await pool.fetchval("SELECT count(*) FROM bundles WHERE status = 'WAITING'") == 2
    async with unit_of_work(pool) as uow:
        assert await use_cases.set_stock(uow, "s1", {"A": 1}) == 1
        [event] = uow.emitted
    assert isinstance(event, StockAllocated) and event.bundle_id == early.bundle_id


async def test_a_cancel_the_shipper_let_through_releases_the_stock_and_reallocates(
    new_schema: Any,
) -> None:
    pool = await new_schema(MIGRATIONS, prefix="alloc")
    first_order = collected(1)
    first, second = bundle(matched(first_order, {"A": 2})), bundle(matched(collected(2), {"A": 2}))
    async with unit_of_work(pool) as uow:
        await use_cases.set_stock(uow, "s1", {"A": 2})
        await use_cases.handle_events(uow, [first, second])
    cancel = OrderCancelled(
        **first_order.follow_up(), order=first_order.order, recipient_key="k" * 32
    )
    async with unit_of_work(pool) as uow:
        await use_cases.handle_events(uow, [cancel])
        assert uow.emitted == []  # allocated: the shipper decides whether the stock comes back
    took_effect = CancellationDecided(
        **cancel.follow_up(), order=cancel.order, recipient_key="k" * 32, outcome="CANCELLED"
    )
    async with unit_of_work(pool) as uow:
        await use_cases.handle_events(uow, [took_effect])
        assert [e.bundle_id for e in uow.emitted] == [second.bundle_id]  # type: ignore[attr-defined]
    statuses = dict(await pool.fetch("SELECT bundle_id, status FROM bundles"))
    assert statuses == {first.bundle_id: "CANCELLED", second.bundle_id: "ALLOCATED"}
    assert await pool.fetchval("SELECT allocated FROM stock WHERE sku = 'A'") == 2


async def test_stock_cannot_be_set_below_what_is_reserved(new_schema: Any) -> None:
    import pytest

    from packline_allocator.domain.ledger import StockBelowReserved

    pool = await new_schema(MIGRATIONS, prefix="alloc")
    async with unit_of_work(pool) as uow:
        await use_cases.set_stock(uow, "s1", {"A": 3})
        await use_cases.handle_events(uow, [bundle(matched(collected(1), {"A": 3}))])
    with pytest.raises(StockBelowReserved, match="A: 1 < 3 reserved"):
        async with unit_of_work(pool) as uow:
            await use_cases.set_stock(uow, "s1", {"A": 1})
