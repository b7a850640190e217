"""A batch of matched orders joining bundles, with fake repositories and no database: the
decisions of service_layer/joining.py and the Bundle aggregate (PostgreSQL: tests/integration)."""

from datetime import timedelta

import pytest

from packline_bundler.domain.bundle import Bundle, BundleStatus, IllegalBundleStep
from packline_bundler.domain.bundles import bundle_key
from packline_bundler.domain.sealing import SealSettings
from packline_bundler.service_layer import joining
from packline_contracts import BundleFormed, OrderMatched
from packline_launcher.testing import collected, matched, recipient

from .fakes import FakeWork

HOLD = timedelta(seconds=60)


def _order(n: int, sku: str = "A", **to: str) -> OrderMatched:
    return matched(collected(n, to=recipient(**to)), {sku: 1})


async def test_two_orders_of_one_recipient_in_one_batch_make_one_bundle() -> None:
    work = FakeWork()
    a, b = _order(1), _order(2)
    assert await joining.join(work, [a, b], HOLD) == 2
    assert work.bundles.of(a.order.uid) is work.bundles.of(b.order.uid)
    assert len(work.bundles.stored) == 1
    assert work.bundles.queries.count("open_for") == 1  # one look-up for the whole batch
    assert work.reviews.candidate_loads == 1
    assert work.emitted == [] and work.bundles.pending == []


async def test_an_order_joins_the_open_bundle_of_an_earlier_batch() -> None:
    work = FakeWork()
    first, later = _order(1), _order(2)
    await joining.join(work, [first], HOLD)
    await joining.join(work, [later], HOLD)
    assert len(work.bundles.stored) == 1
    assert work.bundles.of(later.order.uid).bundle_id == work.bundles.of(first.order.uid).bundle_id


async def test_a_duplicate_delivery_joins_once() -> None:
    work = FakeWork()
    a = _order(1)
    assert await joining.join(work, [a, a], HOLD) == 1
    assert await joining.join(work, [a], HOLD) == 0
    assert len(work.bundles.members) == 1 and len(work.bundles.stored) == 1


async def test_a_close_pair_inside_one_batch_raises_one_review_and_holds_both() -> None:
    work = FakeWork()
    a, b = _order(1), _order(2, mobile="010-9999-0000")  # same name and door, other mobile
    await joining.join(work, [a, b], timedelta(0))
    assert len(work.bundles.stored) == 2
    [review] = work.bundles.pending
    assert set(review.orders) == {a.order.uid, b.order.uid}
    assert set(review.bundles) == {
        work.bundles.of(a.order.uid).bundle_id,
        work.bundles.of(b.order.uid).bundle_id,
    }
    assert {f["field"]: f["agreement"] for f in review.fields}["mobile"] == "DIFFERENT"
    assert work.emitted == []  # hold 0, but a pending review keeps both open
    assert {b.status for b in work.bundles.stored.values()} == {BundleStatus.OPEN}


async def test_a_pair_a_person_kept_apart_raises_no_review() -> None:
    work = FakeWork()
    a, b = _order(1), _order(2, mobile="010-9999-0000")
    work.reviews.decisions.add(("s1", *sorted((bundle_key(a), bundle_key(b)))))
    await joining.join(work, [a], HOLD)
    await joining.join(work, [b], HOLD)
    assert work.bundles.pending == [] and len(work.bundles.stored) == 2


async def test_an_excluded_sku_keeps_each_order_alone_and_raises_no_review() -> None:
    work = FakeWork()
    work.settings.excluded["s1"] = {"SKU": {"B"}, "MARKETPLACE": set()}
    a, b = _order(1, sku="B"), _order(2, sku="B")
    c = _order(3, sku="B", mobile="010-9999-0000")
    await joining.join(work, [a, b, c], HOLD)
    groups = {work.bundles.of(o.order.uid).group_key for o in (a, b, c)}
    assert groups == {f"solo:{o.order.uid}" for o in (a, b, c)}
    assert work.bundles.pending == []


async def test_a_hold_window_of_zero_seals_in_the_same_batch() -> None:
    work = FakeWork()
    a, b = _order(1), _order(2)
    other = _order(3, name="박지호", mobile="010-5555-6666", address1="부산 중구 중앙대로 1")
    await joining.join(work, [a, b, other], timedelta(0))
    assert len(work.emitted) == 2
    boxes = {e.bundle_id: e for e in work.emitted if isinstance(e, BundleFormed)}
    assert {len(e.members) for e in boxes.values()} == {1, 2}
    assert {b.status for b in work.bundles.stored.values()} == {BundleStatus.SEALED}
    # the next order of the same recipient opens (and seals) a new box
    await joining.join(work, [_order(4)], timedelta(0))
    assert len(work.emitted) == 3 and len(work.bundles.stored) == 3


async def test_a_seller_rule_of_hold_zero_seals_at_once_and_cutoffs_wait() -> None:
    work = FakeWork()
    work.settings.rules["s1"] = SealSettings("HOLD", timedelta(0))
    await joining.join(work, [_order(1)], HOLD)
    assert len(work.emitted) == 1
    work.settings.rules["s1"] = SealSettings("MANUAL")
    await joining.join(work, [_order(2)], timedelta(0))
    assert len(work.emitted) == 1  # only the button seals


async def test_a_cancelled_order_never_joins() -> None:
    work = FakeWork()
    a = _order(1)
    work.orders.cancelled.add(a.order.uid)
    assert await joining.join(work, [a], timedelta(0)) == 0
    assert work.bundles.stored == {} and work.emitted == []


def test_a_sealed_bundle_takes_no_order_and_seals_once() -> None:
    bundle = Bundle.open("s1", "k", "rk", None)
    order = _order(1)
    assert bundle.seal([order]) is not None and bundle.status is BundleStatus.SEALED
    with pytest.raises(IllegalBundleStep, match="not OPEN"):
        bundle.seal([order])
    empty = Bundle.open("s1", "k2", "rk", None)
    assert empty.seal([]) is None and empty.status is BundleStatus.CANCELLED
