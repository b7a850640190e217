"""The shipping line's answer to a cancellation: the scan or the cancel, never both."""

import uuid

from packline_contracts import OrderCancelled, OrderRef
from packline_shipper.domain.cancellation import decide
from packline_shipper.domain.parcel import Parcel

from .conftest import NOW, MemberFactory, WaybillFactory


def _cancel(order_id: str) -> OrderCancelled:
    return OrderCancelled(
        seller_id="s1",
        correlation_id=uuid.uuid4(),
        order=OrderRef(seller_id="s1", marketplace="NAVER", marketplace_order_id=order_id),
        recipient_key="k" * 32,
    )


def test_a_cancel_before_the_scan_stops_the_parcel_and_answers_cancelled(
    waybill: WaybillFactory, member: MemberFactory
) -> None:
    parcel = Parcel.from_waybill(waybill(member("1")), set())
    cancel = _cancel("1")

    decided, changed = decide(cancel, [parcel])

    assert (decided.outcome, decided.tracking_number) == ("CANCELLED", None)
    assert decided.causation_id == cancel.event_id and decided.order == cancel.order
    assert changed == [parcel] and parcel.status == "STOPPED"


def test_a_cancel_after_the_scan_leaves_the_parcel_shipped_and_answers_too_late(
    waybill: WaybillFactory, member: MemberFactory
) -> None:
    parcel = Parcel.from_waybill(waybill(member("1"), member("2")), set())
    assert parcel.ship("line-1", NOW) is not None

    decided, changed = decide(_cancel("1"), [parcel])

    assert (decided.outcome, decided.tracking_number) == ("TOO_LATE", parcel.tracking_number)
    assert changed == [] and parcel.status == "SHIPPED"
    assert [m.order.uid for m in parcel.live_members] == ["s1:NAVER:1", "s1:NAVER:2"]


def test_a_cancel_of_an_order_with_no_parcel_yet_is_cancelled(
    waybill: WaybillFactory, member: MemberFactory
) -> None:
    other = Parcel.from_waybill(waybill(member("2")), set())

    decided, changed = decide(_cancel("1"), [other])

    assert decided.outcome == "CANCELLED" and changed == [] and other.status == "READY"


def test_cancelling_one_order_of_two_ships_the_other_without_it(
    waybill: WaybillFactory, member: MemberFactory
) -> None:
    parcel = Parcel.from_waybill(waybill(member("1"), member("2")), set())

    decided, _ = decide(_cancel("1"), [parcel])
    shipped = parcel.ship("line-1", NOW)

    assert decided.outcome == "CANCELLED"
    assert shipped is not None and [o.order.uid for o in shipped.orders] == ["s1:NAVER:2"]
