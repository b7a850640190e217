"""미할당주문나누기 (partial shipment) over fake repositories: a short bundle ships the orders
that fit (between orders, never inside one) where the seller allows it for every marketplace
of its orders; the rest wait in a backorder that allocates on a restock in rule order."""

import uuid
from datetime import UTC, datetime

import pytest

from packline_allocator.domain.bundle import Bundle, IllegalBundleStep, OrderNeeds
from packline_allocator.domain.decisions import sentence
from packline_allocator.domain.order_stock import BundleStatus, OrderStatus
from packline_allocator.domain.partial import PartialShipment
from packline_allocator.service_layer import stock_changes
from packline_contracts import BundleFormed, Marketplace, OrderMatched, StockAllocated
from packline_launcher.testing import bundle, collected, matched

from .fakes import FakeWork

WAITING, ALLOCATED = BundleStatus.WAITING, BundleStatus.ALLOCATED
NOW = datetime(2026, 12, 1, tzinfo=UTC)


def order(number: int, marketplace: str = "NAVER", **needs: int) -> OrderMatched:
    o = matched(collected(number), needs)
    ref = o.order.model_copy(update={"marketplace": Marketplace(marketplace)})
    return o.model_copy(update={"order": ref})


def three(marketplace: str = "NAVER") -> BundleFormed:
    """Paid 1, 2, 3 minutes after T0; the second needs B, the others A."""
    return bundle(
        order(1, marketplace, A=1), order(2, marketplace, B=1), order(3, marketplace, A=1)
    )


def allow(work: FakeWork, allowed: bool = True, **marketplaces: bool) -> None:
    work.partial.saved["s1"] = PartialShipment("s1", allowed, marketplaces)


def allocated(work: FakeWork) -> list[StockAllocated]:
    return [e for e in work.emitted if isinstance(e, StockAllocated)]


def test_split_moves_the_orders_that_do_not_fit_to_a_new_waiting_bundle() -> None:
    b = Bundle(
        uuid.uuid4(),
        "s1",
        NOW,
        WAITING,
        [
            OrderNeeds("s1:N:1", OrderStatus.LIVE, {"A": 1}),
            OrderNeeds("s1:N:2", OrderStatus.CANCELLED, {"A": 1}),
            OrderNeeds("s1:N:3", OrderStatus.LIVE, {"B": 1}),
        ],
    )
    with pytest.raises(IllegalBundleStep, match="every order fits"):
        b.split({"s1:N:1", "s1:N:3"}, uuid.uuid4())
    with pytest.raises(IllegalBundleStep, match="no live order"):
        b.split({"s1:N:2"}, uuid.uuid4())
    back_id = uuid.uuid4()
    back = b.split({"s1:N:1"}, back_id)
    assert [o.order_uid for o in b.orders] == ["s1:N:1", "s1:N:2"]
    assert (back.bundle_id, back.status, back.split_from) == (back_id, WAITING, b.bundle_id)
    assert [o.order_uid for o in back.orders] == ["s1:N:3"] and back.demand == {"B": 1}
    b.allocate(NOW)
    with pytest.raises(IllegalBundleStep, match="not WAITING"):
        b.split({"s1:N:1"}, uuid.uuid4())
    again = back.split_from
    assert again == b.bundle_id


async def test_forbidden_by_default_the_bundle_waits_whole() -> None:
    work = FakeWork()
    formed = three()
    work.bundles.add(formed)
    assert await stock_changes.set_levels(work, "s1", {"A": 5, "B": 0}) == 0
    assert work.status(formed) is WAITING and work.emitted == []
    assert len(work.bundles.stored) == 1


async def test_allowed_ships_the_orders_that_fit_and_the_rest_becomes_a_backorder() -> None:
    work = FakeWork()
    allow(work)
    formed = three()
    work.bundles.add(formed)
    assert await stock_changes.set_levels(work, "s1", {"A": 5, "B": 0}) == 1
    assert work.status(formed) is ALLOCATED
    [event] = allocated(work)
    first, second, third = (m.order.uid for m in formed.members)
    assert [m.order.uid for m in event.members] == [first, third]
    assert [(s.sku, s.quantity) for s in event.allocated] == [("A", 2)]
    assert event.split_from is None and event.backorder_id is not None
    back = work.bundles.stored[event.backorder_id]
    assert (back.status, back.split_from) == (WAITING, formed.bundle_id)
    assert [o.order_uid for o in back.orders] == [second]
    assert [m.order.uid for m in work.bundles.events[back.bundle_id].members] == [second]
    assert work.stock.rows[("s1", "A")] == (5, 2)
    assert set(work.bundles.reservations) == {first, third}
    [row] = work.waves.recorded
    part, rest = row.decisions
    assert (part.allocated, part.part, part.backorder_id) == (True, (first, third), back.bundle_id)
    assert (rest.bundle_id, rest.allocated, [n.short for n in rest.needs]) == (
        back.bundle_id,
        False,
        [1],
    )
    assert sentence(part, 0, "by paid time").startswith("allocated 2 order(s) (partial shipment)")
    assert row.waiting == 1


async def test_a_marketplace_that_forbids_it_keeps_its_bundles_whole() -> None:
    work = FakeWork()
    allow(work, True, COUPANG=False)
    coupang, naver = three("COUPANG"), three("NAVER")
    work.bundles.add(coupang)
    work.bundles.add(naver)
    await stock_changes.set_levels(work, "s1", {"A": 5, "B": 0})
    assert (work.status(coupang), work.status(naver)) == (WAITING, ALLOCATED)
    [event] = allocated(work)
    assert event.bundle_id == naver.bundle_id and event.backorder_id is not None

    only = FakeWork()
    allow(only, False, NAVER=True)
    mixed = bundle(order(1, "NAVER", A=1), order(2, "OWN_SHOP", B=1))
    only.bundles.add(mixed)
    await stock_changes.set_levels(only, "s1", {"A": 5, "B": 0})
    assert only.status(mixed) is WAITING and only.emitted == []  # OWN_SHOP falls back: no


async def test_nothing_fits_nothing_is_reserved_and_no_backorder() -> None:
    work = FakeWork()
    allow(work)
    formed = three()
    work.bundles.add(formed)
    assert await stock_changes.set_levels(work, "s1", {"A": 0, "B": 0}) == 0
    assert work.status(formed) is WAITING and len(work.bundles.stored) == 1
    assert work.stock.rows[("s1", "A")] == (0, 0)


async def test_all_fit_the_bundle_ships_whole() -> None:
    work = FakeWork()
    allow(work)
    formed = three()
    work.bundles.add(formed)
    assert await stock_changes.set_levels(work, "s1", {"A": 2, "B": 1}) == 1
    [event] = allocated(work)
    assert len(event.members) == 3 and event.backorder_id is None
    assert len(work.bundles.stored) == 1


async def test_greedy_in_paid_order_the_earlier_order_takes_the_last_unit() -> None:
    work = FakeWork()
    allow(work)
    formed = bundle(order(1, A=1), order(2, A=1))
    work.bundles.add(formed)
    await stock_changes.set_levels(work, "s1", {"A": 1})
    [event] = allocated(work)
    assert [m.order.uid for m in event.members] == [formed.members[0].order.uid]


async def test_the_backorder_allocates_on_restock_in_rule_order() -> None:
    work = FakeWork()
    allow(work)
    formed = three()
    later = bundle(matched(collected(9), {"B": 1}))  # paid after the backorder's order
    work.bundles.add(formed)
    work.bundles.add(later)
    await stock_changes.set_levels(work, "s1", {"A": 5, "B": 0})
    [first] = allocated(work)
    assert first.backorder_id is not None
    work.emitted.clear()

    assert await stock_changes.set_levels(work, "s1", {"B": 1}) == 1  # one unit: the earlier paid
    [restocked] = allocated(work)
    assert restocked.bundle_id == first.backorder_id
    assert (restocked.split_from, restocked.backorder_id) == (formed.bundle_id, None)
    assert [m.order.uid for m in restocked.members] == [formed.members[1].order.uid]
    assert work.bundles.stored[first.backorder_id].status is ALLOCATED
    assert work.status(later) is WAITING
