"""배송지 변경 at the waybill stage against real PostgreSQL: an issued waybill is voided and the
bundle re-issued under a new number with the new recipient; a change that comes before the
allocation is on the first label already."""

from typing import Any

from packline_contracts import OrderCancelled, SkuLine, StockAllocated, WaybillIssued
from packline_launcher.testing import bundle, collected, matched, recipient, recipient_changed
from packline_runtime.unit_of_work import unit_of_work
from packline_waybill.bootstrap import MIGRATIONS
from packline_waybill.domain.numbers import NumberBand
from packline_waybill.service_layer import use_cases
from packline_waybill.service_layer.claims import Numbering

BAND = NumberBand("CJGLS", 30_000_000_000, 30_000_000_099)
MOVED = recipient("이서연", "010-9999-0000", address1="부산 해운대구 해운대로 9")


async def _apply(pool: Any, *events: Any) -> list[WaybillIssued]:
    async with unit_of_work(pool) as uow:
        await use_cases.prepare_band(uow, BAND)
        await use_cases.handle_events(uow, events, Numbering(BAND))
        return [e for e in uow.emitted if isinstance(e, WaybillIssued)]


def _allocated(*numbers: int) -> tuple[StockAllocated, list[Any]]:
    orders = [matched(collected(n), {"A": 1}) for n in numbers]
    box = bundle(*orders)
    event = StockAllocated(
        **box.follow_up(),
        bundle_id=box.bundle_id,
        recipient=box.recipient,
        members=box.members,
        allocated=(SkuLine(sku="A", quantity=len(orders)),),
    )
    return event, orders


async def test_an_issued_waybill_is_replaced_by_a_new_number_for_the_new_recipient(
    new_schema: Any,
) -> None:
    pool = await new_schema(MIGRATIONS, prefix="wrl")
    allocated, [order] = _allocated(1)
    [first] = await _apply(pool, allocated)
    change = recipient_changed(order, MOVED)
    [second] = await _apply(pool, change)
    assert second.bundle_id == first.bundle_id
    assert second.tracking_number != first.tracking_number
    assert (second.recipient, second.members) == (MOVED, first.members)
    assert second.causation_id == change.event_id
    assert await _apply(pool, change) == []  # a replayed change re-labels nothing
    async with pool.acquire() as conn:
        row = await conn.fetchrow("SELECT tracking_number, status FROM waybills")
        replaced = await conn.fetchval("SELECT replaced_by FROM replaced_numbers")
    assert (row["tracking_number"], row["status"]) == (second.tracking_number, "ISSUED")
    assert replaced == second.tracking_number


async def test_a_change_before_allocation_is_on_the_first_label(new_schema: Any) -> None:
    pool = await new_schema(MIGRATIONS, prefix="wrl")
    allocated, [order] = _allocated(1)
    assert await _apply(pool, recipient_changed(order, MOVED)) == []
    [issued] = await _apply(pool, allocated)
    assert issued.recipient == MOVED
    assert await _apply(pool, recipient_changed(order, MOVED)) == []


async def test_a_change_of_an_order_in_a_voided_waybill_issues_nothing(new_schema: Any) -> None:
    pool = await new_schema(MIGRATIONS, prefix="wrl")
    allocated, [order] = _allocated(1)
    await _apply(pool, allocated)
    cancel = OrderCancelled(
        **order.follow_up(), order=order.order, recipient_key=order.recipient_key
    )
    await _apply(pool, cancel)
    assert await _apply(pool, recipient_changed(order, MOVED)) == []
