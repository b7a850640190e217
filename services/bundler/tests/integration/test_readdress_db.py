"""배송지 변경 in the bundler against real PostgreSQL: an open bundle's order moves to the new
recipient's bundle, a sealed unallocated bundle is revised, an allocated one is left alone, and
an order matched after its change bundles by the new recipient."""

from datetime import timedelta
from typing import Any

from packline_bundler.bootstrap import MIGRATIONS
from packline_bundler.service_layer import use_cases
from packline_contracts import BundleFormed, OrderMatched, SkuLine, StockAllocated
from packline_launcher.testing import collected, matched, recipient, recipient_changed
from packline_runtime.unit_of_work import unit_of_work

HOLD = timedelta(seconds=60)
MOVED = recipient("이서연", "010-9999-0000", address1="부산 해운대구 해운대로 9")


async def _apply(pool: Any, *events: Any) -> list[BundleFormed]:
    async with unit_of_work(pool) as uow:
        await use_cases.handle_events(uow, events, HOLD)
        return [e for e in uow.emitted if isinstance(e, BundleFormed)]


async def _seal(pool: Any) -> list[BundleFormed]:
    async with unit_of_work(pool) as uow:
        await use_cases.seal(uow, now=True)
        return [e for e in uow.emitted if isinstance(e, BundleFormed)]


def _by_order(boxes: list[BundleFormed]) -> dict[str, BundleFormed]:
    return {m.order.uid: box for box in boxes for m in box.members}


async def test_an_order_in_an_open_bundle_moves_to_the_new_recipients_bundle(
    new_schema: Any,
) -> None:
    pool = await new_schema(MIGRATIONS, prefix="adr")
    a, b = matched(collected(1), {"A": 1}), matched(collected(2), {"A": 1})
    c = matched(collected(3, to=MOVED), {"A": 1})
    await _apply(pool, a, b, c)
    assert await _apply(pool, recipient_changed(a, MOVED)) == []
    boxes = _by_order(await _seal(pool))
    assert boxes[a.order.uid].bundle_id == boxes[c.order.uid].bundle_id
    assert boxes[b.order.uid].bundle_id != boxes[a.order.uid].bundle_id
    assert boxes[a.order.uid].recipient == MOVED
    assert boxes[b.order.uid].recipient == b.recipient


async def test_a_sealed_unallocated_bundle_is_revised_and_the_order_bundles_anew(
    new_schema: Any,
) -> None:
    pool = await new_schema(MIGRATIONS, prefix="adr")
    a, b = matched(collected(1), {"A": 1}), matched(collected(2), {"A": 1})
    await _apply(pool, a, b)
    [box] = await _seal(pool)
    [revised] = await _apply(pool, recipient_changed(a, MOVED))
    assert (revised.bundle_id, revised.revision) == (box.bundle_id, 2)
    assert [m.order for m in revised.members] == [b.order]
    [new_box] = await _seal(pool)
    assert new_box.bundle_id != box.bundle_id and new_box.revision == 1
    assert ([m.order for m in new_box.members], new_box.recipient) == ([a.order], MOVED)


async def test_an_allocated_bundle_is_left_for_the_waybill_stage(new_schema: Any) -> None:
    pool = await new_schema(MIGRATIONS, prefix="adr")
    a = matched(collected(1), {"A": 1})
    await _apply(pool, a)
    [box] = await _seal(pool)
    allocated = StockAllocated(
        **box.follow_up(),
        bundle_id=box.bundle_id,
        recipient=box.recipient,
        members=box.members,
        allocated=(SkuLine(sku="A", quantity=1),),
    )
    await _apply(pool, allocated)
    assert await _apply(pool, recipient_changed(a, MOVED)) == []
    assert await _seal(pool) == []


async def test_an_order_matched_after_its_change_bundles_by_the_new_recipient(
    new_schema: Any,
) -> None:
    pool = await new_schema(MIGRATIONS, prefix="adr")
    order = collected(1)
    await _apply(pool, recipient_changed(order, MOVED))
    late: OrderMatched = matched(order, {"A": 1})
    await _apply(pool, late)
    [box] = await _seal(pool)
    assert box.recipient == MOVED
    assert box.recipient_key != order.recipient_key
