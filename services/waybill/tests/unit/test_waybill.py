"""Issuing a waybill for a bundle and voiding it when its orders are cancelled."""

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
)
from packline_waybill.domain.waybill import IllegalWaybillStep, issue, live_members

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


def _allocated(*order_ids: str) -> StockAllocated:
    return StockAllocated(
        seller_id="s1",
        correlation_id=uuid.uuid4(),
        bundle_id=uuid.uuid4(),
        recipient=Recipient(name="수취인", address1="서울 강남구 테헤란로 1"),
        members=tuple(_member(o) for o in order_ids),
        allocated=(SkuLine(sku="SKU-A", quantity=len(order_ids)),),
    )


def test_issued_event_follows_the_allocation_and_names_only_live_orders() -> None:
    allocated = _allocated("1", "2", "3")

    waybill, event = issue(allocated, "HYUNDAI", "300000000006", cancelled={"s1:COUPANG:2"})

    assert [m.order.uid for m in event.members] == ["s1:COUPANG:1", "s1:COUPANG:3"]
    assert event.causation_id == allocated.event_id
    assert event.correlation_id == allocated.correlation_id
    assert event.tracking_number == waybill.tracking_number == "300000000006"
    assert waybill.cancelled == {"s1:COUPANG:1": False, "s1:COUPANG:2": True, "s1:COUPANG:3": False}
    assert waybill.status == "ISSUED"


def test_bundle_whose_orders_are_all_cancelled_has_no_live_members_and_cannot_be_issued() -> None:
    allocated = _allocated("1", "2")
    cancelled = {"s1:COUPANG:1", "s1:COUPANG:2"}

    assert live_members(allocated, cancelled) == ()
    with pytest.raises(IllegalWaybillStep):
        issue(allocated, "HYUNDAI", "300000000006", cancelled)


def test_cancelling_one_of_two_orders_keeps_the_waybill_issued() -> None:
    waybill, _ = issue(_allocated("1", "2"), "HYUNDAI", "300000000006", set())

    assert waybill.cancel_order("s1:COUPANG:1", NOW) is True

    assert waybill.status == "ISSUED"
    assert waybill.voided_at is None


def test_cancelling_the_last_live_order_voids_the_waybill() -> None:
    waybill, _ = issue(_allocated("1", "2"), "HYUNDAI", "300000000006", {"s1:COUPANG:1"})

    waybill.cancel_order("s1:COUPANG:2", NOW)

    assert waybill.status == "VOIDED"
    assert waybill.voided_at == NOW


def test_replayed_cancel_changes_nothing() -> None:
    waybill, _ = issue(_allocated("1"), "HYUNDAI", "300000000006", set())
    waybill.cancel_order("s1:COUPANG:1", NOW)

    assert waybill.cancel_order("s1:COUPANG:1", datetime(2027, 1, 1, tzinfo=UTC)) is False
    assert waybill.voided_at == NOW


def test_cancelling_an_order_the_waybill_does_not_hold_is_illegal() -> None:
    waybill, _ = issue(_allocated("1"), "HYUNDAI", "300000000006", set())

    with pytest.raises(IllegalWaybillStep, match="s1:COUPANG:9"):
        waybill.cancel_order("s1:COUPANG:9", NOW)
