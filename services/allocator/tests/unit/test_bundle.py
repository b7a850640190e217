"""The allocator's bundle: WAITING → ALLOCATED once, whole; over when no order is live."""

import uuid
from datetime import UTC, datetime

import pytest

from packline_allocator.domain.bundle import Bundle, IllegalBundleStep, OrderNeeds
from packline_allocator.domain.order_stock import BundleStatus, OrderStatus

NOW = datetime(2026, 12, 1, tzinfo=UTC)


def two_orders() -> Bundle:
    return Bundle(
        uuid.uuid4(),
        "s1",
        NOW,
        BundleStatus.WAITING,
        [
            OrderNeeds("s1:N:1", OrderStatus.LIVE, {"A": 2}),
            OrderNeeds("s1:N:2", OrderStatus.CANCELLED, {"A": 1, "B": 1}),
            OrderNeeds("s1:N:3", OrderStatus.LIVE, {"A": 1, "C": 1}),
        ],
    )


def test_demand_counts_live_orders_only() -> None:
    assert two_orders().demand == {"A": 3, "C": 1}


def test_allocate_reserves_each_live_order_and_only_once() -> None:
    bundle = two_orders()
    assert bundle.allocate(NOW) == {"s1:N:1": {"A": 2}, "s1:N:3": {"A": 1, "C": 1}}
    assert (bundle.status, bundle.allocated_at, bundle.changed) == (
        BundleStatus.ALLOCATED,
        NOW,
        True,
    )
    with pytest.raises(IllegalBundleStep, match="not WAITING"):
        bundle.allocate(NOW)


def test_a_bundle_with_no_live_order_cannot_be_allocated_and_is_over() -> None:
    bundle = two_orders()
    for order in bundle.orders:
        order.status = OrderStatus.CANCELLED
    with pytest.raises(IllegalBundleStep):
        bundle.allocate(NOW)
    assert bundle.settle() is BundleStatus.CANCELLED
    assert bundle.status is BundleStatus.CANCELLED


def test_a_bundle_with_a_shipped_order_settles_shipped() -> None:
    bundle = two_orders()
    bundle.orders[0].status = OrderStatus.SHIPPED
    assert bundle.settle() is None  # one order still live
    bundle.orders[2].status = OrderStatus.SHIPPED
    assert bundle.settle() is BundleStatus.SHIPPED
