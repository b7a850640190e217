"""Bundle revisions against real PostgreSQL: a waiting bundle drops members that left; an
allocated one does not change; a newer bundle takes orders still waiting in an older one."""

from typing import Any

from packline_allocator.bootstrap import MIGRATIONS
from packline_allocator.service_layer import use_cases
from packline_contracts import BundleFormed, StockAllocated
from packline_launcher.testing import bundle, collected, matched
from packline_runtime.unit_of_work import unit_of_work


async def _apply(pool: Any, *events: Any) -> list[Any]:
    async with unit_of_work(pool) as uow:
        await use_cases.handle_events(uow, events)
        return uow.emitted


def _revised(box: BundleFormed, *keep: Any, revision: int = 2) -> BundleFormed:
    members = tuple(m for m in box.members if m.order in {o.order for o in keep})
    return box.model_copy(update={"members": members, "revision": revision})


async def test_a_revision_drops_a_waiting_member_and_allocates_the_rest(new_schema: Any) -> None:
    pool = await new_schema(MIGRATIONS, prefix="rev")
    a, b = matched(collected(1), {"A": 1}), matched(collected(2), {"A": 1})
    box = bundle(a, b)
    async with unit_of_work(pool) as uow:
        await use_cases.set_stock(uow, "s1", {"A": 1})
    assert await _apply(pool, box) == []  # needs 2, has 1: waits
    [allocated] = await _apply(pool, _revised(box, b))
    assert isinstance(allocated, StockAllocated)
    assert [m.order for m in allocated.members] == [b.order]
    assert await pool.fetchval("SELECT allocated FROM stock") == 1


async def test_a_revision_of_an_allocated_bundle_changes_nothing(new_schema: Any) -> None:
    pool = await new_schema(MIGRATIONS, prefix="rev")
    a, b = matched(collected(1), {"A": 1}), matched(collected(2), {"A": 1})
    box = bundle(a, b)
    async with unit_of_work(pool) as uow:
        await use_cases.set_stock(uow, "s1", {"A": 5})
    await _apply(pool, box)
    await _apply(pool, _revised(box, b), _revised(box, revision=3))
    assert await pool.fetchval("SELECT count(*) FROM bundle_orders WHERE status = 'LIVE'") == 2
    assert await pool.fetchval("SELECT allocated FROM stock") == 2


async def test_an_empty_revision_dissolves_a_waiting_bundle(new_schema: Any) -> None:
    pool = await new_schema(MIGRATIONS, prefix="rev")
    box = bundle(matched(collected(1), {"A": 1}))
    await _apply(pool, box)
    await _apply(pool, _revised(box))
    assert await pool.fetchval("SELECT status FROM bundles") == "CANCELLED"
    assert await pool.fetchval("SELECT count(*) FROM bundle_orders") == 0


async def test_a_newer_bundle_takes_an_order_whose_old_bundle_revision_comes_later(
    new_schema: Any,
) -> None:
    pool = await new_schema(MIGRATIONS, prefix="rev")
    a, b = matched(collected(1), {"A": 1}), matched(collected(2), {"A": 1})
    old = bundle(a, b)
    await _apply(pool, old)
    split = bundle(b)  # unmerge: b in a bundle of its own, its old bundle's revision not yet here
    await _apply(pool, split)
    await _apply(pool, _revised(old, a))
    rows = dict(await pool.fetch("SELECT order_uid, bundle_id FROM bundle_orders"))
    assert rows == {a.order.uid: old.bundle_id, b.order.uid: split.bundle_id}
