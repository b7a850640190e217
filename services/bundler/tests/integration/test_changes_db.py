"""Changes after sealing against real PostgreSQL: cancels and unmatches revise a sealed bundle,
allocation freezes it, unmerge splits it; an order never sits in two bundles."""

import uuid
from datetime import timedelta
from typing import Any

import pytest

from packline_bundler.bootstrap import MIGRATIONS
from packline_bundler.service_layer import changes, use_cases
from packline_contracts import (
    BundleFormed,
    OrderCancelled,
    OrderMatched,
)
from packline_launcher.testing import allocated, collected, matched, unmatched
from packline_runtime.unit_of_work import unit_of_work

HOLD = timedelta(seconds=60)


async def _apply(pool: Any, *events: Any) -> list[BundleFormed]:
    async with unit_of_work(pool) as uow:
        await use_cases.handle_events(uow, events, HOLD)
        return [e for e in uow.emitted if isinstance(e, BundleFormed)]


async def _sealed(pool: Any, *orders: OrderMatched) -> BundleFormed:
    await _apply(pool, *orders)
    async with unit_of_work(pool) as uow:
        await use_cases.seal(uow, now=True)
        [box] = uow.emitted
    assert isinstance(box, BundleFormed)
    return box


async def test_a_cancel_in_a_sealed_unallocated_bundle_emits_the_changed_bundle(
    new_schema: Any,
) -> None:
    pool = await new_schema(MIGRATIONS, prefix="chg")
    a, b = matched(collected(1), {"A": 1}), matched(collected(2), {"A": 1})
    box = await _sealed(pool, a, b)
    cancel = OrderCancelled(**a.follow_up(), order=a.order, recipient_key=a.recipient_key)
    [revised] = await _apply(pool, cancel)
    assert (revised.bundle_id, revised.revision) == (box.bundle_id, 2)
    assert [m.order for m in revised.members] == [b.order]


async def test_an_allocated_bundle_is_not_revised_and_an_unmatch_loses_to_allocation(
    new_schema: Any,
) -> None:
    pool = await new_schema(MIGRATIONS, prefix="chg")
    a, b = matched(collected(1), {"A": 1}), matched(collected(2), {"A": 1})
    box = await _sealed(pool, a, b)
    await _apply(pool, allocated(box))
    assert await _apply(pool, unmatched(a)) == []
    cancel = OrderCancelled(**b.follow_up(), order=b.order, recipient_key=b.recipient_key)
    assert await _apply(pool, cancel) == []  # the allocator releases stock on the cancel itself
    assert await pool.fetchval("SELECT status FROM bundles") == "ALLOCATED"


async def test_an_unmatched_order_leaves_its_sealed_bundle_and_joins_a_new_one_when_rematched(
    new_schema: Any,
) -> None:
    pool = await new_schema(MIGRATIONS, prefix="chg")
    a, b = matched(collected(1), {"A": 1}), matched(collected(2), {"A": 1})
    box = await _sealed(pool, a, b)
    [revised] = await _apply(pool, unmatched(a))
    assert [m.order for m in revised.members] == [b.order] and revised.revision == 2
    await _apply(pool, a)  # a late copy of the withdrawn match changes nothing
    rematched = matched(collected(1), {"B": 1}).model_copy(update={"order": a.order})
    await _apply(pool, rematched)
    rows = await pool.fetch("SELECT order_uid, bundle_id FROM bundle_members ORDER BY 1")
    assert len(rows) == 2 and rows[0]["bundle_id"] != box.bundle_id


async def test_an_unmatched_order_simply_leaves_an_open_bundle(new_schema: Any) -> None:
    pool = await new_schema(MIGRATIONS, prefix="chg")
    a = matched(collected(1), {"A": 1})
    await _apply(pool, a)
    assert await _apply(pool, unmatched(a)) == []
    assert await pool.fetchval("SELECT count(*) FROM bundle_members") == 0


async def test_allocation_that_beat_an_unmerge_brings_the_orders_back(new_schema: Any) -> None:
    pool = await new_schema(MIGRATIONS, prefix="chg")
    a, b = matched(collected(1), {"A": 1}), matched(collected(2), {"A": 1})
    box = await _sealed(pool, a, b)
    async with unit_of_work(pool) as uow:
        new_id = await use_cases.unmerge(
            uow, "s1", box.bundle_id, [b.order.uid], "kim", "two boxes"
        )
        revised, split = uow.emitted
    assert isinstance(revised, BundleFormed) and isinstance(split, BundleFormed)
    assert (revised.bundle_id, revised.revision, split.bundle_id) == (box.bundle_id, 2, new_id)
    assert [m.order for m in split.members] == [b.order]
    await _apply(pool, allocated(box))  # the allocator had already reserved the whole box
    rows = await pool.fetch("SELECT DISTINCT bundle_id FROM bundle_members")
    assert [r["bundle_id"] for r in rows] == [box.bundle_id]
    assert await pool.fetchval("SELECT status FROM bundles WHERE bundle_id = $1", new_id) == (
        "CANCELLED"
    )


async def test_only_a_sealed_unallocated_bundle_can_be_unmerged(new_schema: Any) -> None:
    pool = await new_schema(MIGRATIONS, prefix="chg")
    a, b = matched(collected(1), {"A": 1}), matched(collected(2), {"A": 1})
    box = await _sealed(pool, a, b)
    with pytest.raises(changes.Refused, match="leave at least one order"):
        async with unit_of_work(pool) as uow:
            await use_cases.unmerge(
                uow, "s1", box.bundle_id, [a.order.uid, b.order.uid], "kim", "x"
            )
    await _apply(pool, allocated(box))
    with pytest.raises(changes.Refused, match="is ALLOCATED"):
        async with unit_of_work(pool) as uow:
            await use_cases.unmerge(uow, "s1", box.bundle_id, [b.order.uid], "kim", "x")
    with pytest.raises(LookupError):
        async with unit_of_work(pool) as uow:
            await use_cases.unmerge(uow, "s1", uuid.uuid4(), [b.order.uid], "kim", "x")
