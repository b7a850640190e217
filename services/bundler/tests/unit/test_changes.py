"""Changes after an order joined a bundle, with fake repositories and no database: cancels,
unmatches, allocations, unmerge and 배송지 변경 on the Bundle aggregate (service_layer/changes.py,
readdress.py; PostgreSQL: tests/integration)."""

from collections.abc import Sequence
from datetime import timedelta

import pytest

from packline_bundler.domain.bundle import BundleStatus
from packline_bundler.service_layer import changes, joining, readdress
from packline_contracts import (
    BundleFormed,
    OrderMatched,
)
from packline_launcher.testing import (
    allocated,
    collected,
    matched,
    recipient,
    recipient_changed,
    unmatched,
)

from .fakes import FakeWork

HOLD = timedelta(seconds=60)
ELSEWHERE = {"name": "박지호", "mobile": "010-5555-6666", "address1": "부산 중구 중앙대로 1"}
MOVED = recipient("이서연", "010-9999-0000", address1="부산 해운대구 해운대로 9")


def _order(n: int, **to: str) -> OrderMatched:
    return matched(collected(n, to=recipient(**to)), {"A": 1})


async def _sealed(work: FakeWork, *orders: OrderMatched) -> BundleFormed:
    """The orders in one bundle, sealed at once (hold 0); its BundleFormed."""
    await joining.join(work, orders, timedelta(0))
    box = work.emitted.pop()
    assert isinstance(box, BundleFormed) and work.emitted == []
    return box


def _uids(event: BundleFormed) -> list[str]:
    return [m.order.uid for m in event.members]


async def test_a_cancel_in_an_open_bundle_takes_the_order_out_and_its_review_lapses() -> None:
    work = FakeWork()
    a, b, c = _order(1), _order(2), _order(3, mobile="010-9999-0000")
    await joining.join(work, [a, b, c], HOLD)
    [review] = work.bundles.pending
    bundle_id = work.bundles.of(a.order.uid).bundle_id
    await changes.cancel(work, [a.order.uid, c.order.uid])
    assert set(work.bundles.members) == {b.order.uid}  # gone from open bundles
    assert work.bundles.stored[bundle_id].status is BundleStatus.OPEN
    assert work.orders.cancelled == {a.order.uid, c.order.uid}
    assert work.bundles.reviews[review.review_id].status == "OBSOLETE"
    assert work.emitted == []
    assert work.bundles.queries.count("hold") == 1  # one load for the batch


async def test_a_cancel_in_a_sealed_bundle_revises_it_and_keeps_the_order_flagged() -> None:
    work = FakeWork()
    a, b = _order(1), _order(2)
    box = await _sealed(work, a, b)
    await changes.cancel(work, [a.order.uid])
    [revised] = work.emitted
    assert isinstance(revised, BundleFormed)
    assert (revised.bundle_id, revised.revision, _uids(revised)) == (
        box.bundle_id,
        2,
        [b.order.uid],
    )
    stored = work.bundles.stored[box.bundle_id]
    assert (stored.status, stored.revision) == (BundleStatus.SEALED, 2)
    assert work.bundles.members[a.order.uid].cancelled  # the box's history is kept


async def test_a_cancel_of_the_last_order_dissolves_the_sealed_bundle() -> None:
    work = FakeWork()
    a = _order(1)
    box = await _sealed(work, a)
    await changes.cancel(work, [a.order.uid])
    [revised] = work.emitted
    assert isinstance(revised, BundleFormed)
    assert (revised.bundle_id, revised.revision, revised.members) == (box.bundle_id, 2, ())
    assert revised.recipient == a.recipient  # the former member anchors the event
    assert work.bundles.stored[box.bundle_id].status is BundleStatus.CANCELLED


async def test_an_allocation_of_a_bundle_a_cancel_emptied_wins() -> None:
    work = FakeWork()
    a = _order(1)
    box = await _sealed(work, a)
    await changes.cancel(work, [a.order.uid])
    await changes.allocated(work, [allocated(box)])
    assert work.bundles.stored[box.bundle_id].status is BundleStatus.ALLOCATED
    assert work.bundles.members[a.order.uid].cancelled  # still cancelled: nothing came back
    assert work.decisions.recorded == []


async def test_an_unmatch_leaves_an_open_bundle_and_withdraws_from_a_sealed_one() -> None:
    work = FakeWork()
    a, b = _order(1), _order(2)
    box = await _sealed(work, a, b)
    late = _order(3, **ELSEWHERE)
    await joining.join(work, [late], HOLD)
    stale = unmatched(b).model_copy(update={"matched_event_id": late.event_id})
    await changes.unmatch(work, [unmatched(a), unmatched(late), stale])
    [revised] = work.emitted
    assert isinstance(revised, BundleFormed)
    assert (revised.bundle_id, revised.revision, _uids(revised)) == (
        box.bundle_id,
        2,
        [b.order.uid],
    )
    assert work.bundles.members[a.order.uid].withdrawn  # kept until it is matched again
    assert late.order.uid not in work.bundles.members  # left its open bundle
    assert not work.bundles.members[b.order.uid].withdrawn  # another match's unmatch: no
    assert work.orders.revoked == {a.event_id, late.event_id}
    await joining.join(work, [a], HOLD)  # a late copy of the withdrawn match never joins
    assert work.bundles.members[a.order.uid].withdrawn


async def test_after_allocation_a_cancel_or_unmatch_changes_nothing() -> None:
    work = FakeWork()
    a, b = _order(1), _order(2)
    box = await _sealed(work, a, b)
    await changes.allocated(work, [allocated(box)])
    await changes.unmatch(work, [unmatched(a)])
    await changes.cancel(work, [b.order.uid])
    assert work.emitted == []
    assert work.bundles.stored[box.bundle_id].status is BundleStatus.ALLOCATED
    assert not work.bundles.members[a.order.uid].withdrawn
    assert work.decisions.recorded == []


async def test_an_allocation_that_beat_a_change_takes_the_orders_back() -> None:
    """ALLOCATED_BEFORE_CHANGE: the allocator reserved revision 1 before the unmatch of a and
    the unmerge of b reached it; both come back and the split-off box is over."""
    work = FakeWork()
    a, b, c = _order(1), _order(2), _order(3)
    box = await _sealed(work, a, b, c)
    await changes.unmatch(work, [unmatched(a)])
    new_id = await changes.unmerge(work, "s1", box.bundle_id, [b.order.uid], "kim", "two")
    work.emitted.clear()
    await changes.allocated(work, [allocated(box)])
    assert work.emitted == []
    assert {u: m.bundle_id for u, m in work.bundles.members.items()} == {
        o.order.uid: box.bundle_id for o in (a, b, c)
    }
    assert not work.bundles.members[a.order.uid].withdrawn
    assert work.bundles.stored[box.bundle_id].status is BundleStatus.ALLOCATED
    assert work.bundles.stored[new_id].status is BundleStatus.CANCELLED
    assert work.decisions.actions() == ["UNMERGE", "ALLOCATED_BEFORE_CHANGE"]
    seller, _, subject, by, _ = work.decisions.recorded[1]
    assert (seller, by, subject["bundle_id"]) == ("s1", "system", str(box.bundle_id))
    assert sorted(subject["orders"]) == sorted([a.order.uid, b.order.uid])


async def test_unmerge_splits_a_sealed_bundle_into_a_box_of_its_own() -> None:
    work = FakeWork()
    a, b = _order(1), _order(2)
    box = await _sealed(work, a, b)
    new_id = await changes.unmerge(work, "s1", box.bundle_id, [b.order.uid], "kim", "two")
    revised, split = work.emitted
    assert isinstance(revised, BundleFormed) and isinstance(split, BundleFormed)
    assert (revised.bundle_id, revised.revision, _uids(revised)) == (
        box.bundle_id,
        2,
        [a.order.uid],
    )
    assert (split.bundle_id, split.revision, _uids(split)) == (new_id, 1, [b.order.uid])
    new = work.bundles.stored[new_id]
    assert (new.status, new.group_key) == (BundleStatus.SEALED, f"unmerged:{new_id}")
    assert work.bundles.members[b.order.uid].bundle_id == new_id
    assert work.bundles.exclusive == ["s1"]
    assert work.decisions.actions() == ["UNMERGE"]


async def test_unmerge_is_refused_on_an_open_bundle_and_for_the_whole_box() -> None:
    work = FakeWork()
    a, b = _order(1), _order(2)
    await joining.join(work, [a, b], HOLD)
    open_id = work.bundles.of(a.order.uid).bundle_id
    with pytest.raises(changes.Refused, match="is OPEN: only a sealed bundle"):
        await changes.unmerge(work, "s1", open_id, [b.order.uid], "kim", "x")
    with pytest.raises(LookupError):  # another seller's bundle is a missing one
        await changes.unmerge(work, "s2", open_id, [b.order.uid], "kim", "x")
    box = await _sealed(work, _order(3, **ELSEWHERE), _order(4, **ELSEWHERE))
    with pytest.raises(changes.Refused, match="leave at least one order"):
        await changes.unmerge(work, "s1", box.bundle_id, _uids(box), "kim", "x")
    with pytest.raises(changes.Refused, match="not live orders"):
        await changes.unmerge(work, "s1", box.bundle_id, [a.order.uid], "kim", "x")
    assert work.emitted == [] and work.decisions.recorded == []
    assert {b.status for b in work.bundles.stored.values()} == {
        BundleStatus.OPEN,
        BundleStatus.SEALED,
    }


async def _readdress(work: FakeWork, *orders: OrderMatched) -> None:
    async def join(moved: Sequence[OrderMatched]) -> None:
        await joining.join(work, moved, HOLD)

    await readdress.change(work, [recipient_changed(o, MOVED) for o in orders], join)


async def test_a_readdressed_order_leaves_its_open_bundle_for_the_new_recipients() -> None:
    work = FakeWork()
    a, b = _order(1), _order(2)
    c = matched(collected(3, to=MOVED), {"A": 1})
    await joining.join(work, [a, b, c], HOLD)
    old = work.bundles.of(a.order.uid).bundle_id
    await _readdress(work, a)
    assert work.bundles.of(a.order.uid).bundle_id == work.bundles.of(c.order.uid).bundle_id
    assert work.bundles.of(b.order.uid).bundle_id == old
    assert work.bundles.members[a.order.uid].arrival.order.recipient == MOVED
    assert work.emitted == []


async def test_a_readdressed_order_is_withdrawn_from_a_sealed_bundle_and_joins_anew() -> None:
    work = FakeWork()
    a, b = _order(1), _order(2)
    box = await _sealed(work, a, b)
    await _readdress(work, a)
    [revised] = work.emitted
    assert isinstance(revised, BundleFormed)
    assert (revised.bundle_id, revised.revision, _uids(revised)) == (
        box.bundle_id,
        2,
        [b.order.uid],
    )
    moved = work.bundles.of(a.order.uid)
    assert moved.bundle_id != box.bundle_id and moved.status is BundleStatus.OPEN
    assert not work.bundles.members[a.order.uid].withdrawn
    await _readdress(work, a)  # the same change again: nothing moves
    assert len(work.emitted) == 1 and work.bundles.of(a.order.uid).bundle_id == moved.bundle_id
