"""A partial cancellation (OrderCancelled v3 naming lines) is not the order's cancellation: the
order is not tombstoned here and goes on. Once the shipping line decides it took effect
(CancellationDecided v2, CANCELLED), the parcel's label, printed again under the same number,
names what is left; TOO_LATE changes nothing, and each decided claim counts once."""

from typing import Any

from packline_contracts import (
    CancellationDecided,
    CancellationOutcome,
    CancelledLine,
    OrderCancelled,
    OrderCollected,
    SkuLine,
    StockAllocated,
)
from packline_launcher.testing import bundle, collected, line, matched, recipient
from packline_runtime import tombstones
from packline_runtime.unit_of_work import unit_of_work
from packline_waybill.bootstrap import MIGRATIONS
from packline_waybill.domain.numbers import NumberBand
from packline_waybill.service_layer import use_cases
from packline_waybill.service_layer.claims import Numbering

from .conftest import SELLER, Waybills, pdftotext

BAND = NumberBand("CJGLS", 30_000_000_000, 30_000_000_099)


async def test_a_partial_cancellation_does_not_cancel_the_order(new_schema: Any) -> None:
    pool = await new_schema(MIGRATIONS, prefix="partwaybill")
    order = collected(1)
    event = OrderCancelled(
        **order.follow_up(),
        order=order.order,
        recipient_key=order.recipient_key,
        lines=(CancelledLine(line_id="1", quantity=1),),
    )
    async with unit_of_work(pool) as uow:
        await use_cases.prepare_band(uow, BAND)
        await use_cases.handle_events(uow, [event], Numbering(BAND))
    async with pool.acquire() as conn:
        assert await tombstones.cancelled_among(conn, [order.order.uid]) == set()


def _order() -> tuple[OrderCollected, StockAllocated]:
    """Line 1: 3 units of listing 7001; line 2: 1 unit of 7002 (so the parcel stays)."""
    who = recipient("김민001", "010-1000-5000", postcode="06236")
    order = collected(
        1,
        line(listing="7001", quantity=3, line_id="1"),
        line(listing="7002", line_id="2"),
        seller=SELLER,
        to=who,
    )
    box = bundle(matched(order, {"A": 1}))
    return order, StockAllocated(
        **box.follow_up(),
        bundle_id=box.bundle_id,
        recipient=box.recipient,
        members=box.members,
        allocated=(SkuLine(sku="A", quantity=1),),
    )


def _decided(
    order: OrderCollected, units: int, outcome: CancellationOutcome = "CANCELLED"
) -> tuple[OrderCancelled, CancellationDecided]:
    cancel = OrderCancelled(
        **order.follow_up(),
        order=order.order,
        recipient_key=order.recipient_key,
        lines=(CancelledLine(line_id="1", quantity=units),),
    )
    return cancel, CancellationDecided(
        **cancel.follow_up(),
        order=cancel.order,
        recipient_key=cancel.recipient_key,
        outcome=outcome,
        tracking_number="300000000006" if outcome == "TOO_LATE" else None,
        lines=cancel.lines,
    )


async def _label(waybills: Waybills, parcel_id: Any) -> str:
    body = {"seller_id": SELLER, "by": "kim", "parcel_ids": [str(parcel_id)]}
    answer = await waybills.http.post("/labels", json=body)
    assert answer.status_code == 200, answer.text
    return pdftotext(answer.content)


async def test_the_reprinted_label_names_what_is_left_after_each_decided_partial_cancel(
    waybills: Waybills,
) -> None:
    order, allocation = _order()
    [issued] = await waybills.allocate(allocation)
    first = await _label(waybills, issued.parcel_id)
    assert "7001 × 3" in first and "7002 × 1" in first

    cancel, decided = _decided(order, 1)
    await waybills.feed(cancel, decided)
    await waybills.feed(decided.model_copy(update={"event_id": order.event_id}))  # replayed
    await waybills.feed(_decided(order, 1, "TOO_LATE")[1])  # shipped with them: nothing changes
    again = await _label(waybills, issued.parcel_id)
    assert "7001 × 2" in again and "7002 × 1" in again and "재출력" in again
    assert issued.tracking_number.replace("-", "")[-4:] in again.replace("-", "")  # same number

    await waybills.feed(*_decided(order, 2))
    last = await _label(waybills, issued.parcel_id)
    assert "7001" not in last and "7002 × 1" in last


async def test_units_decided_before_the_parcel_exists_are_off_its_first_label(
    waybills: Waybills,
) -> None:
    order, allocation = _order()
    await waybills.feed(*_decided(order, 2))
    [issued] = await waybills.allocate(allocation)
    label = await _label(waybills, issued.parcel_id)
    assert "7001 × 1" in label and "7002 × 1" in label
