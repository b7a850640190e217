"""할당 waves over fake repositories (no database): whole bundles that fit, earliest paid
first; a wave touches only the SKUs whose availability changed."""

import pytest

from packline_allocator.domain.ledger import StockBelowReserved
from packline_allocator.domain.order_stock import BundleStatus
from packline_allocator.service_layer import stock_changes, use_cases, waves
from packline_contracts import BundleFormed, CancellationDecided, StockAllocated
from packline_launcher.testing import bundle, collected, matched

from .fakes import FakeWork

WAITING, ALLOCATED, CANCELLED = BundleStatus.WAITING, BundleStatus.ALLOCATED, BundleStatus.CANCELLED


def formed(number: int, **needs: int) -> BundleFormed:
    """A one-order bundle paid `number` minutes after T0."""
    return bundle(matched(collected(number), needs))


async def test_a_bundle_that_fits_is_allocated_one_that_does_not_waits() -> None:
    work = FakeWork()
    small, big = formed(1, A=2), formed(2, A=5)
    work.bundles.add(big)
    work.bundles.add(small)
    assert await stock_changes.set_levels(work, "s1", {"A": 4}) == 1
    assert (work.status(small), work.status(big)) == (ALLOCATED, WAITING)
    assert work.stock.rows[("s1", "A")] == (4, 2)
    [event] = work.emitted
    assert isinstance(event, StockAllocated) and event.bundle_id == small.bundle_id
    assert [(s.sku, s.quantity) for s in event.allocated] == [("A", 2)]


async def test_earliest_paid_first_whatever_the_order_they_arrived_in() -> None:
    work = FakeWork()
    late, early = formed(9, A=3), formed(1, A=3)
    work.bundles.add(late)
    work.bundles.add(early)
    assert await stock_changes.set_levels(work, "s1", {"A": 3}) == 1
    assert (work.status(early), work.status(late)) == (ALLOCATED, WAITING)


async def test_a_bundle_needing_two_skus_waits_until_both_fit() -> None:
    work = FakeWork()
    both = work.bundles.add(formed(1, A=1, B=2))
    assert await stock_changes.set_levels(work, "s1", {"A": 5}) == 0
    assert await stock_changes.set_levels(work, "s1", {"B": 1}) == 0
    assert both.status is WAITING
    assert await stock_changes.set_levels(work, "s1", {"B": 2}) == 1
    assert both.status is ALLOCATED
    assert work.stock.rows == {("s1", "A"): (5, 1), ("s1", "B"): (2, 2)}
    assert work.bundles.reservations == {both.orders[0].order_uid: {"A": 1, "B": 2}}


async def test_released_stock_goes_to_the_next_waiting_bundle() -> None:
    work = FakeWork()
    first, second = formed(1, A=2), formed(2, A=2)
    work.bundles.add(first)
    work.bundles.add(second)
    await stock_changes.set_levels(work, "s1", {"A": 2})
    assert (work.status(first), work.status(second)) == (ALLOCATED, WAITING)
    # the first one's cancel took effect: its units are released
    [ledger] = (await work.stock.ledgers("s1", ["A"])).values()
    ledger.release(2)
    await work.stock.save([ledger])
    assert await waves.allocation_wave(work, "s1", {"A"}) == 1
    assert work.status(second) is ALLOCATED
    assert work.stock.rows[("s1", "A")] == (2, 2)


async def test_a_cancelled_order_in_a_bundle_needs_nothing() -> None:
    work = FakeWork()
    one, two = matched(collected(1), {"A": 2}), matched(collected(2), {"A": 2})
    both = bundle(one, two)
    stored = work.bundles.add(both, cancelled={two.order.uid})
    assert await stock_changes.set_levels(work, "s1", {"A": 2}) == 1
    assert stored.status is ALLOCATED
    assert work.bundles.reservations == {one.order.uid: {"A": 2}}
    [event] = work.emitted
    assert isinstance(event, StockAllocated)
    assert [m.order.uid for m in event.members] == [one.order.uid]


async def test_stock_below_reserved_is_refused_all_or_nothing() -> None:
    work = FakeWork()
    work.bundles.add(formed(1, A=3))
    await stock_changes.set_levels(work, "s1", {"A": 3})
    with pytest.raises(StockBelowReserved, match="A: 1 < 3 reserved"):
        await stock_changes.set_levels(work, "s1", {"B": 9, "A": 1})
    assert work.stock.rows == {("s1", "A"): (3, 3)}  # B was not written either


async def test_a_wave_touches_only_bundles_needing_changed_skus() -> None:
    work = FakeWork()
    on_a, on_b = formed(1, A=1), formed(2, B=1)
    work.bundles.add(on_a)
    work.bundles.add(on_b)
    work.stock.rows[("s1", "B")] = (1, 0)  # B is there, but did not change in this batch
    assert await stock_changes.set_levels(work, "s1", {"A": 1}) == 1
    assert (work.status(on_a), work.status(on_b)) == (ALLOCATED, WAITING)
    assert work.stock.loaded[-1] == {"A"}  # the wave never read B's ledger
    assert await waves.allocation_wave(work, "s1", set()) == 0  # nothing changed: no wave
    # the 할당처리 button considers every waiting bundle, through the same path
    assert await waves.run_wave_now(work, "s1") == 1
    assert work.status(on_b) is ALLOCATED


async def test_stock_is_never_oversold_across_many_bundles() -> None:
    work = FakeWork()
    for n in range(10):
        work.bundles.add(formed(n, A=1))
    assert await stock_changes.set_levels(work, "s1", {"A": 7}) == 7
    assert work.stock.rows[("s1", "A")] == (7, 7)
    assert await waves.run_wave_now(work, "s1") == 0


async def test_a_cancel_that_took_effect_releases_its_stock_to_the_next_bundle() -> None:
    """Through the whole batch handler: the order's reservation goes back into the ledger, its
    bundle is over, and the wave on the released SKU allocates the next bundle paid."""
    work = FakeWork()
    held = matched(collected(1), {"A": 2})
    first, second, on_b = bundle(held), formed(2, A=2), formed(3, B=1)
    for b in (first, second, on_b):
        work.bundles.add(b)
    await stock_changes.set_levels(work, "s1", {"A": 2})
    work.stock.rows[("s1", "B")] = (1, 0)  # B is there, but no event of this batch moves it
    took_effect = CancellationDecided(
        **held.follow_up(), order=held.order, recipient_key="k" * 32, outcome="CANCELLED"
    )
    await use_cases.handle(work, [took_effect])
    assert [work.status(b) for b in (first, second, on_b)] == [CANCELLED, ALLOCATED, WAITING]
    assert work.stock.rows[("s1", "A")] == (2, 2)
    assert held.order.uid not in work.bundles.reservations
    assert work.orders.tombstones == {held.order.uid}
    assert [e.bundle_id for e in work.emitted if isinstance(e, StockAllocated)] == [
        first.bundle_id,
        second.bundle_id,
    ]


async def test_a_new_bundle_short_of_a_sku_does_not_make_the_wave_reread_its_whole_queue() -> None:
    """Bundles waiting on a SKU nobody restocked stay unread when another arrives needing it:
    only the arrival is looked at (a full wave would decide the same); a receipt reads them."""
    work = FakeWork()
    queue = [formed(n, A=1) for n in range(1, 4)]
    late = formed(9, A=1)
    for box in (*queue, late):
        work.bundles.add(box)
    assert await waves.allocation_wave(work, "s1", set(), among={late.bundle_id}) == 0
    assert work.bundles.loads == [(frozenset(), frozenset({late.bundle_id}))]
    [looked] = work.waves.recorded
    assert [d.bundle_id for d in looked.decisions] == [late.bundle_id]
    assert await stock_changes.set_levels(work, "s1", {"A": 2}) == 2
    assert work.bundles.loads[-1] == (frozenset({"A"}), frozenset())
    assert [work.status(b) for b in (*queue, late)] == [ALLOCATED, ALLOCATED, WAITING, WAITING]
