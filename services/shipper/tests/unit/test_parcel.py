"""Parcel state: READY until scanned, STOPPED when every order is cancelled, shipped once."""

import pytest

from packline_shipper.domain.parcel import IllegalParcelStep, Parcel, ParcelStopped

from .conftest import NOW, MemberFactory, WaybillFactory


def test_new_parcel_is_ready_and_remembers_the_waybill_as_cause(
    waybill: WaybillFactory, member: MemberFactory
) -> None:
    issued = waybill(member("1"), member("2"))

    parcel = Parcel.from_waybill(issued, cancelled=set())

    assert parcel.status == "READY"
    assert parcel.waybill_event_id == issued.event_id
    assert parcel.correlation_id == issued.correlation_id
    assert [m.line_ids for m in parcel.members] == [("1-1",), ("2-1",)]


def test_waybill_whose_orders_were_all_cancelled_before_it_arrived_is_stopped(
    waybill: WaybillFactory, member: MemberFactory
) -> None:
    parcel = Parcel.from_waybill(waybill(member("1"), member("2")), {"s1:NAVER:1", "s1:NAVER:2"})

    assert parcel.status == "STOPPED"


def test_cancelling_one_order_keeps_the_parcel_ready(
    waybill: WaybillFactory, member: MemberFactory
) -> None:
    parcel = Parcel.from_waybill(waybill(member("1"), member("2")), set())

    assert parcel.cancel_order("s1:NAVER:1") == "CANCELLED"
    assert parcel.status == "READY"
    assert [m.order.uid for m in parcel.live_members] == ["s1:NAVER:2"]


def test_cancelling_the_last_live_order_stops_the_parcel(
    waybill: WaybillFactory, member: MemberFactory
) -> None:
    parcel = Parcel.from_waybill(waybill(member("1"), member("2")), {"s1:NAVER:1"})

    assert parcel.cancel_order("s1:NAVER:2") == "STOPPED"
    assert parcel.status == "STOPPED"


def test_replayed_cancel_is_a_no_op(waybill: WaybillFactory, member: MemberFactory) -> None:
    parcel = Parcel.from_waybill(waybill(member("1"), member("2")), set())
    parcel.cancel_order("s1:NAVER:1")

    assert parcel.cancel_order("s1:NAVER:1") == "UNCHANGED"
    assert parcel.status == "READY"


def test_cancel_after_shipping_leaves_the_parcel_shipped(waybill: WaybillFactory) -> None:
    parcel = Parcel.from_waybill(waybill(), set())
    parcel.ship("scanner-1", NOW)

    assert parcel.cancel_order("s1:NAVER:1") == "ALREADY_SHIPPED"
    assert parcel.status == "SHIPPED"
    assert parcel.live_members  # the order is not marked: it has left


def test_cancelling_an_order_not_in_the_parcel_is_illegal(waybill: WaybillFactory) -> None:
    parcel = Parcel.from_waybill(waybill(), set())

    with pytest.raises(IllegalParcelStep, match="s1:NAVER:9"):
        parcel.cancel_order("s1:NAVER:9")


def test_shipping_a_ready_parcel_yields_shipped_caused_by_the_waybill(
    waybill: WaybillFactory, member: MemberFactory
) -> None:
    issued = waybill(member("1"), member("2"))
    parcel = Parcel.from_waybill(issued, {"s1:NAVER:2"})

    event = parcel.ship("scanner-1", NOW)

    assert event is not None
    assert parcel.status == "SHIPPED"
    assert (parcel.shipped_at, parcel.shipped_by) == (NOW, "scanner-1")
    assert (event.causation_id, event.correlation_id) == (issued.event_id, issued.correlation_id)
    assert (event.seller_id, event.bundle_id) == (issued.seller_id, issued.bundle_id)
    assert event.tracking_number == issued.tracking_number
    assert event.shipped_at == NOW
    assert [(o.order.uid, o.line_ids, o.push_status) for o in event.orders] == [
        ("s1:NAVER:1", ("1-1",), "PENDING")
    ]


def test_rescanning_a_shipped_parcel_yields_no_second_shipped(waybill: WaybillFactory) -> None:
    parcel = Parcel.from_waybill(waybill(), set())
    parcel.ship("scanner-1", NOW)

    assert parcel.ship("scanner-2", NOW) is None
    assert parcel.shipped_by == "scanner-1"


def test_a_stopped_parcel_cannot_ship(waybill: WaybillFactory) -> None:
    parcel = Parcel.from_waybill(waybill(), {"s1:NAVER:1"})

    with pytest.raises(ParcelStopped, match="출고 중지"):
        parcel.ship("scanner-1", NOW)
    assert parcel.status == "STOPPED"
