"""취소 and 출고 rules for an order's stock, with no database: the shipper decides which won;
a shipment always leaves on-hand, once; a reservation is released at most once."""

import uuid

import pytest

from packline_allocator.domain.order_stock import (
    BundleOrder,
    BundleStatus,
    OrderStatus,
    StockMove,
    settled,
)


def allocated() -> BundleOrder:
    return BundleOrder("NAVER:1", uuid.uuid4(), OrderStatus.LIVE, BundleStatus.ALLOCATED, True)


def test_a_cancel_of_an_order_waiting_for_stock_takes_effect_at_once() -> None:
    order = BundleOrder("NAVER:1", uuid.uuid4(), OrderStatus.LIVE, BundleStatus.WAITING, False)
    assert order.hear_cancel() is StockMove.NONE
    assert order.status is OrderStatus.CANCELLED


def test_a_cancel_of_an_allocated_order_waits_for_the_shippers_answer() -> None:
    order = allocated()
    assert order.hear_cancel() is StockMove.NONE
    assert (order.status, order.reserved) == (OrderStatus.LIVE, True)
    assert order.cancel_took_effect() is StockMove.RELEASE
    assert order.cancel_took_effect() is StockMove.NONE  # released once
    assert order.status is OrderStatus.CANCELLED


def test_cancel_heard_then_shipped_ships_the_reserved_units() -> None:
    order = allocated()
    order.hear_cancel()
    assert order.ship() is StockMove.SHIP_RESERVED
    assert order.ship() is StockMove.NONE  # a replay


def test_shipped_then_cancelled_puts_nothing_back() -> None:
    order = allocated()
    order.ship()
    assert order.hear_cancel() is StockMove.NONE
    assert order.cancel_took_effect() is StockMove.NONE
    assert order.status is OrderStatus.SHIPPED


def test_released_then_shipped_leaves_on_hand_without_releasing_again() -> None:
    order = allocated()
    order.cancel_took_effect()
    move = order.ship()
    assert move is StockMove.SHIP_UNRESERVED
    assert (move.releases_reservation, move.leaves_on_hand) == (False, True)
    assert order.status is OrderStatus.SHIPPED


@pytest.mark.parametrize(
    ("statuses", "end"),
    [
        ([OrderStatus.LIVE, OrderStatus.SHIPPED], None),
        ([OrderStatus.CANCELLED, OrderStatus.SHIPPED], BundleStatus.SHIPPED),
        ([OrderStatus.CANCELLED], BundleStatus.CANCELLED),
        ([], None),
    ],
)
def test_a_bundle_is_over_when_no_order_is_live(
    statuses: list[OrderStatus], end: BundleStatus | None
) -> None:
    assert settled(statuses) is end
