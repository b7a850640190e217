"""Parcels of an allocated bundle, their WaybillIssued, and voiding them when their orders are
cancelled."""

import uuid
from datetime import UTC, datetime

import pytest

from packline_contracts import (
    BundleMember,
    MatchedLine,
    OrderLine,
    OrderRef,
    Recipient,
    SkuLine,
    StockAllocated,
    WaybillIssued,
)
from packline_waybill.domain.waybill import (
    IllegalWaybillStep,
    Waybill,
    live_members,
    new_parcel,
    parcel_id_for,
    plan_parcels,
    reference,
    waybill_issued,
)

NOW = datetime(2026, 11, 28, 1, 0, tzinfo=UTC)


def _member(order_id: str) -> BundleMember:
    return BundleMember(
        order=OrderRef(seller_id="s1", marketplace="COUPANG", marketplace_order_id=order_id),
        paid_at=NOW,
        amount_krw=2000,
        lines=(
            OrderLine(
                line_id="1", listing_id="L1", quantity=1, unit_price_krw=2000, amount_krw=2000
            ),
        ),
        matched_lines=(MatchedLine(line_id="1", skus=(SkuLine(sku="SKU-A", quantity=1),)),),
    )


def _allocated(*order_ids: str, separate: bool = False) -> StockAllocated:
    return StockAllocated(
        seller_id="s1",
        correlation_id=uuid.uuid4(),
        bundle_id=uuid.uuid4(),
        recipient=Recipient(name="수취인", address1="서울 강남구 테헤란로 1"),
        members=tuple(_member(o) for o in order_ids),
        allocated=(SkuLine(sku="SKU-A", quantity=len(order_ids)),),
        separate_invoices=separate,
    )


def issue(
    allocated: StockAllocated, number: str, cancelled: set[str]
) -> tuple[Waybill, WaybillIssued]:
    [plan] = plan_parcels(allocated, cancelled)
    waybill = new_parcel(allocated, plan, "HYUNDAI", "BAND")
    waybill.tracking_number, waybill.status = number, "ISSUED"
    event = waybill_issued(allocated, waybill, plan.members, allocated.recipient, "BAND", False)
    return waybill, event


def test_issued_event_follows_the_allocation_and_names_only_live_orders() -> None:
    allocated = _allocated("1", "2", "3")

    waybill, event = issue(allocated, "300000000006", cancelled={"s1:COUPANG:2"})

    assert [m.order.uid for m in event.members] == ["s1:COUPANG:1", "s1:COUPANG:3"]
    assert event.causation_id == allocated.event_id
    assert event.correlation_id == allocated.correlation_id
    assert event.parcel_id == event.bundle_id == allocated.bundle_id
    assert (event.issued_via, event.pre_shipment_push) == ("BAND", False)
    assert event.tracking_number == waybill.tracking_number == "300000000006"
    assert waybill.cancelled == {"s1:COUPANG:1": False, "s1:COUPANG:3": False}
    assert waybill.status == "ISSUED"


def test_bundle_whose_orders_are_all_cancelled_gets_no_parcel() -> None:
    allocated = _allocated("1", "2")
    cancelled = {"s1:COUPANG:1", "s1:COUPANG:2"}

    assert live_members(allocated, cancelled) == ()
    assert plan_parcels(allocated, cancelled) == []


def test_separate_invoices_make_one_parcel_per_live_order_with_stable_ids() -> None:
    allocated = _allocated("1", "2", "3", separate=True)

    plans = plan_parcels(allocated, {"s1:COUPANG:3"})

    assert [[m.order.uid for m in p.members] for p in plans] == [["s1:COUPANG:1"], ["s1:COUPANG:2"]]
    assert [p.parcel_id for p in plans] == [
        parcel_id_for(allocated.bundle_id, "s1:COUPANG:1"),
        parcel_id_for(allocated.bundle_id, "s1:COUPANG:2"),
    ]
    assert plans == plan_parcels(allocated, {"s1:COUPANG:3"})  # the same on every replay


def test_separate_invoices_with_one_live_order_is_one_parcel_named_after_the_bundle() -> None:
    allocated = _allocated("1", "2", separate=True)

    [plan] = plan_parcels(allocated, {"s1:COUPANG:2"})

    assert plan.parcel_id == allocated.bundle_id


def test_a_parcel_without_a_number_or_live_orders_issues_nothing() -> None:
    allocated = _allocated("1")
    [plan] = plan_parcels(allocated, set())
    waybill = new_parcel(allocated, plan, "CJGLS", "FILE")
    assert (waybill.status, waybill.tracking_number) == ("AWAITING", None)

    with pytest.raises(IllegalWaybillStep):
        waybill_issued(allocated, waybill, plan.members, allocated.recipient, "FILE", False)


def test_cancelling_an_awaiting_parcel_voids_it() -> None:
    allocated = _allocated("1")
    [plan] = plan_parcels(allocated, set())
    waybill = new_parcel(allocated, plan, "CJGLS", "FILE")

    waybill.cancel_order("s1:COUPANG:1", NOW)

    assert (waybill.status, waybill.voided_at) == ("VOIDED", NOW)


def test_references_carry_the_revision_after_the_first() -> None:
    assert reference(12) == "PL00000012"
    assert reference(12, 2) == "PL00000012-2"


def test_cancelling_one_of_two_orders_keeps_the_waybill_issued() -> None:
    waybill, _ = issue(_allocated("1", "2"), "300000000006", set())

    assert waybill.cancel_order("s1:COUPANG:1", NOW) is True

    assert waybill.status == "ISSUED"
    assert waybill.voided_at is None


def test_cancelling_the_last_live_order_voids_the_waybill() -> None:
    waybill, _ = issue(_allocated("1", "2"), "300000000006", set())
    waybill.cancel_order("s1:COUPANG:1", NOW)

    waybill.cancel_order("s1:COUPANG:2", NOW)

    assert waybill.status == "VOIDED"
    assert waybill.voided_at == NOW


def test_replayed_cancel_changes_nothing() -> None:
    waybill, _ = issue(_allocated("1"), "300000000006", set())
    waybill.cancel_order("s1:COUPANG:1", NOW)

    assert waybill.cancel_order("s1:COUPANG:1", datetime(2027, 1, 1, tzinfo=UTC)) is False
    assert waybill.voided_at == NOW


def test_cancelling_an_order_the_waybill_does_not_hold_is_illegal() -> None:
    waybill, _ = issue(_allocated("1"), "300000000006", set())

    with pytest.raises(IllegalWaybillStep, match="s1:COUPANG:9"):
        waybill.cancel_order("s1:COUPANG:9", NOW)
