"""The allocator's repositories against real PostgreSQL: what a batch touches is loaded in one
query each and written back set-based; a wave reads only the bundles needing changed SKUs."""

import uuid
from typing import Any

import pytest

from packline_allocator.adapters.unit_of_work import AllocatorUnitOfWork
from packline_allocator.bootstrap import MIGRATIONS
from packline_allocator.domain.ledger import StockBelowReserved, StockLedger
from packline_allocator.domain.partial_cancel import ClaimState, PartialClaim
from packline_allocator.service_layer import use_cases
from packline_contracts import CancellationDecided, OrderMatched
from packline_launcher.testing import bundle, collected, matched
from packline_runtime.unit_of_work import unit_of_work


def took_effect(order: OrderMatched) -> CancellationDecided:
    """The shipper's answer: the order's cancel took effect."""
    return CancellationDecided(
        **order.follow_up(), order=order.order, recipient_key="k" * 32, outcome="CANCELLED"
    )


async def test_waiting_bundles_needing_given_skus_in_allocation_order(new_schema: Any) -> None:
    pool = await new_schema(MIGRATIONS, prefix="alloc")
    on_a_late = bundle(matched(collected(9), {"A": 1}))
    on_b = bundle(matched(collected(5), {"B": 2}))
    on_a_and_c = bundle(matched(collected(1), {"A": 1, "C": 1}))
    one, gone = matched(collected(3), {"D": 1}), matched(collected(4), {"B": 1})
    d_and_cancelled_b = bundle(one, gone)
    async with unit_of_work(pool) as uow:
        await use_cases.handle_events(uow, [on_a_late, on_b, on_a_and_c, d_and_cancelled_b])
        await use_cases.handle_events(uow, [took_effect(gone)])
    async with unit_of_work(pool) as uow:
        work = AllocatorUnitOfWork(uow)
        by_a = await work.bundles.waiting("s1", ["A"])
        by_b = await work.bundles.waiting("s1", ["B"])
        every = await work.bundles.waiting("s1", None)
        other_seller = await work.bundles.waiting("s2", None)
        named = await work.bundles.waiting("s1", ["B"], [on_a_late.bundle_id])
        by_seller = await work.bundles.waiting_by_seller(
            [d_and_cancelled_b.bundle_id, on_b.bundle_id]
        )
    assert [b.bundle_id for b in by_a] == [on_a_and_c.bundle_id, on_a_late.bundle_id]
    assert by_a[0].demand == {"A": 1, "C": 1}
    assert [b.bundle_id for b in by_b] == [on_b.bundle_id]  # the cancelled order needs nothing
    assert [b.bundle_id for b in every] == [
        on_a_and_c.bundle_id,
        d_and_cancelled_b.bundle_id,
        on_b.bundle_id,
        on_a_late.bundle_id,
    ]
    assert other_seller == []
    # B's bundle and the one named, in allocation order
    assert [b.bundle_id for b in named] == [on_b.bundle_id, on_a_late.bundle_id]
    assert by_seller == {"s1": {d_and_cancelled_b.bundle_id, on_b.bundle_id}}


async def test_ledgers_are_read_once_per_batch_and_only_changes_are_written(
    new_schema: Any,
) -> None:
    pool = await new_schema(MIGRATIONS, prefix="alloc")
    async with unit_of_work(pool) as uow:
        await use_cases.set_stock(uow, "s1", {"A": 5, "B": 1})
    async with unit_of_work(pool) as uow:
        stock = AllocatorUnitOfWork(uow).stock
        first = await stock.ledgers_of([("s1", "A"), ("s1", "B"), ("s1", "NONE")])
        again = await stock.ledgers("s1", ["A"])
        assert again["A"] is first[("s1", "A")]
        assert set(first) == {("s1", "A"), ("s1", "B")}
        first[("s1", "A")].reserve(2)
        await stock.save(first.values())
    rows = await pool.fetch("SELECT sku, on_hand, allocated FROM stock ORDER BY sku")
    assert [tuple(r) for r in rows] == [("A", 5, 2), ("B", 1, 0)]


async def test_the_database_still_refuses_stock_below_reserved(new_schema: Any) -> None:
    pool = await new_schema(MIGRATIONS, prefix="alloc")
    async with unit_of_work(pool) as uow:
        stock = AllocatorUnitOfWork(uow).stock
        with pytest.raises(StockBelowReserved):
            await stock.save([StockLedger("s1", "A", on_hand=1, reserved=3, stored=False)])


async def test_a_wave_after_a_release_leaves_bundles_on_other_skus_alone(new_schema: Any) -> None:
    pool = await new_schema(MIGRATIONS, prefix="alloc")
    held = matched(collected(1), {"A": 2})
    first, on_a, on_b = (
        bundle(held),
        bundle(matched(collected(2), {"A": 2})),
        bundle(matched(collected(3), {"B": 1})),
    )
    async with unit_of_work(pool) as uow:
        await use_cases.set_stock(uow, "s1", {"A": 2})
        await use_cases.handle_events(uow, [first, on_a, on_b])
    # B arrives behind the allocator's back (no wave for it)
    await pool.execute("INSERT INTO stock (seller_id, sku, on_hand) VALUES ('s1', 'B', 1)")
    async with unit_of_work(pool) as uow:
        await use_cases.handle_events(uow, [took_effect(held)])
    status = {
        r["bundle_id"]: r["status"]
        for r in await pool.fetch("SELECT bundle_id, status FROM bundles")
    }
    assert status == {
        first.bundle_id: "CANCELLED",
        on_a.bundle_id: "ALLOCATED",  # A was released: its wave ran
        on_b.bundle_id: "WAITING",  # B did not change in that batch
    }
    async with unit_of_work(pool) as uow:
        assert await use_cases.run_wave_now(uow, "s1") == 1  # 할당처리 looks at every bundle
    rows = await pool.fetch("SELECT sku, on_hand, allocated FROM stock ORDER BY sku")
    assert [tuple(r) for r in rows] == [("A", 2, 2), ("B", 1, 1)]


async def test_claims_on_one_line_in_one_batch_add_up(new_schema: Any) -> None:
    pool = await new_schema(MIGRATIONS, prefix="alloc")
    claims = [
        PartialClaim(uuid.uuid4(), "s1:N:1", {"1": 1}, ClaimState.APPLIED, changed=True),
        PartialClaim(uuid.uuid4(), "s1:N:1", {"1": 2, "2": 1}, ClaimState.APPLIED, changed=True),
    ]
    async with unit_of_work(pool) as uow:
        repo = AllocatorUnitOfWork(uow).claims
        await repo.save(claims)
        await repo.add_cancelled_units(claims)
        found = await repo.lock([c.cancel_id for c in claims])
    rows = await pool.fetch("SELECT line_id, quantity FROM cancelled_units ORDER BY line_id")
    assert [tuple(r) for r in rows] == [("1", 3), ("2", 1)]
    assert {c.state for c in found.values()} == {ClaimState.APPLIED}
