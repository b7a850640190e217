"""A person's answer to a 확인필요 review and a seller's settings, with fake repositories and no
database (service_layer/review_decisions.py, configure.py; PostgreSQL: tests/integration)."""

from datetime import timedelta

import pytest

from packline_bundler.domain.bundle import Bundle, BundleStatus, IllegalBundleStep
from packline_bundler.domain.review import PairDecision, Review, ReviewStatus
from packline_bundler.domain.sealing import SealSettings
from packline_bundler.service_layer import changes, configure, joining, review_decisions
from packline_contracts import OrderMatched, utcnow
from packline_launcher.testing import collected, matched, recipient

from .fakes import FakeWork

HOLD = timedelta(seconds=60)


def _order(n: int, mobile: str = "010-1234-5678") -> OrderMatched:
    return matched(collected(n, to=recipient(mobile=mobile)), {"A": 1})


async def _close_pair(work: FakeWork) -> tuple[OrderMatched, OrderMatched, int]:
    """Two open bundles of the same name and door with other mobiles: one pending review."""
    a, b = _order(1), _order(2, mobile="010-9999-0000")
    await joining.join(work, [a, b], HOLD)
    [review] = work.bundles.pending
    return a, b, review.review_id


async def test_merging_makes_one_open_bundle_and_later_orders_follow() -> None:
    work = FakeWork()
    a, b, review_id = await _close_pair(work)
    review = work.bundles.reviews[review_id]
    side_a, side_b = review.bundles
    await review_decisions.decide(work, "s1", review_id, True, "park", "one family")
    assert review.status is ReviewStatus.MERGED and review.decided_at is not None
    assert {work.bundles.of(o.order.uid).bundle_id for o in (a, b)} == {side_a}
    survivor, loser = work.bundles.stored[side_a], work.bundles.stored[side_b]
    assert (survivor.status, loser.status) == (BundleStatus.OPEN, BundleStatus.CANCELLED)
    assert survivor.group_key == min(review.pair)  # the merge group's key
    assert work.reviews.remembered == {("s1", *review.pair): PairDecision.MERGE}
    assert work.bundles.exclusive == ["s1"]
    [(seller, action, subject, by, why)] = work.decisions.recorded
    assert (seller, action, by, why) == ("s1", "MERGE", "park", "one family")
    assert subject["orders"] == list(review.orders)
    await joining.join(work, [_order(3, mobile="010-9999-0000")], HOLD)  # follows the group
    assert len({m.bundle_id for m in work.bundles.members.values()}) == 1


async def test_keeping_apart_leaves_two_bundles_and_a_second_decision_is_refused() -> None:
    work = FakeWork()
    a, b, review_id = await _close_pair(work)
    await review_decisions.decide(work, "s1", review_id, False, "park", "two people")
    review = work.bundles.reviews[review_id]
    assert review.status is ReviewStatus.KEPT_APART
    assert work.bundles.of(a.order.uid).bundle_id != work.bundles.of(b.order.uid).bundle_id
    assert {b.status for b in work.bundles.stored.values()} == {BundleStatus.OPEN}
    assert work.reviews.remembered == {("s1", *review.pair): PairDecision.KEEP_APART}
    with pytest.raises(changes.Refused, match=f"review {review_id} is already KEPT_APART"):
        await review_decisions.decide(work, "s1", review_id, True, "kim", "changed my mind")
    with pytest.raises(LookupError):  # another seller's review is a missing one
        await review_decisions.decide(work, "s2", review_id, True, "kim", "x")
    assert review.status is ReviewStatus.KEPT_APART
    assert work.decisions.actions() == ["KEEP_APART"]
    await joining.join(work, [_order(3), _order(4, mobile="010-9999-0000")], HOLD)
    assert len(work.bundles.reviews) == 1  # the pair is not asked about again


def test_a_review_is_decided_once_and_only_a_pending_one_lapses() -> None:
    review = Review(7, "s1", ("k1", "k2"), (Bundle.open("s1", "k1", "r", None).bundle_id,) * 2,
                    ("o1", "o2"))  # fmt: skip
    assert review.decide(True, utcnow()) is PairDecision.MERGE
    with pytest.raises(changes.Refused, match="already MERGED"):
        review.decide(False, utcnow())
    with pytest.raises(changes.Refused, match="already MERGED"):
        review.obsolete(utcnow())


def test_only_two_open_bundles_merge() -> None:
    one, other = Bundle.open("s1", "k1", "r", None), Bundle.open("s1", "k2", "r", None)
    with pytest.raises(IllegalBundleStep, match="only two open bundles merge"):
        one.absorb(one, "k1")
    other.seal([_order(1)])
    assert not one.can_merge(other)
    with pytest.raises(IllegalBundleStep, match="only two open bundles merge"):
        one.absorb(other, "k1")


async def test_a_sealing_rule_reschedules_open_bundles_and_is_recorded() -> None:
    work = FakeWork()
    await joining.join(work, [_order(1)], HOLD)
    moved = await configure.sealing(work, "s1", SealSettings("MANUAL"), HOLD, "kim", "by hand")
    assert moved == 1
    assert [b.seal_after for b in work.bundles.stored.values()] == [None]
    assert work.settings.rules["s1"] == SealSettings("MANUAL")
    [bundle] = work.bundles.stored.values()
    bundle.opened_at = opened = utcnow() - timedelta(minutes=2)
    window = SealSettings("HOLD", timedelta(minutes=5))
    await configure.sealing(work, "s1", window, HOLD, "kim", "five minutes")
    [bundle] = work.bundles.stored.values()
    assert bundle.seal_after == opened + timedelta(minutes=5)  # counted from its opening
    assert work.decisions.actions() == ["SETTINGS", "SETTINGS"]


async def test_an_exclusion_is_recorded_and_lifting_a_missing_one_is_not() -> None:
    work = FakeWork()
    assert await configure.exclusion(work, "s1", "SKU", "ICE", True, "kim", "frozen")
    assert work.settings.excluded["s1"]["SKU"] == {"ICE"}
    assert await configure.exclusion(work, "s1", "SKU", "ICE", False, "kim", "thawed")
    assert not await configure.exclusion(work, "s1", "SKU", "ICE", False, "kim", "again")
    assert work.decisions.actions() == ["EXCLUDE", "INCLUDE"]
