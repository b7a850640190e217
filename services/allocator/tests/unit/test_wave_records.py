"""Waves under the seller's rule set, over fake repositories: every wave is recorded with the
rule version it applied and, per bundle it looked at, its place and the stock it met; a dry run
decides the same and changes nothing; "why" reads a bundle's decisions newest first."""

import copy

import pytest

from packline_allocator.domain.decisions import Trigger
from packline_allocator.domain.order_stock import BundleStatus
from packline_allocator.domain.rules import Criterion, CriterionKind, RuleError
from packline_allocator.domain.waiting import SkuNeed
from packline_allocator.service_layer import explain, rule_sets, stock_changes, waves
from packline_contracts import BundleFormed, Marketplace
from packline_launcher.testing import bundle, collected, line, matched

from .fakes import FakeWork

WAITING, ALLOCATED = BundleStatus.WAITING, BundleStatus.ALLOCATED


def formed(number: int, units: int = 1, marketplace: str = "COUPANG", **needs: int) -> BundleFormed:
    """A one-order bundle paid `number` minutes after T0, paying 10,000 KRW per unit."""
    order = collected(number, line(quantity=units))
    ref = order.order.model_copy(update={"marketplace": Marketplace(marketplace)})
    return bundle(matched(order.model_copy(update={"order": ref}), needs))


def three(work: FakeWork) -> tuple[BundleFormed, BundleFormed, BundleFormed]:
    first, second, third = formed(1, A=2), formed(2, units=9, A=2), formed(3, A=1)
    for b in (first, second, third):
        work.bundles.add(b)
    return first, second, third


async def test_a_wave_is_recorded_with_its_rule_version_and_the_stock_each_bundle_met() -> None:
    work = FakeWork()
    first, second, third = three(work)
    assert await stock_changes.set_levels(work, "s1", {"A": 3}) == 2
    [row] = work.waves.recorded
    assert (row.seller_id, row.trigger, row.rule_version) == ("s1", Trigger.CONTINUOUS, 0)
    assert [(d.bundle_id, d.allocated, d.position, d.of) for d in row.decisions] == [
        (first.bundle_id, True, 1, 3),
        (second.bundle_id, False, 2, 3),
        (third.bundle_id, True, 3, 3),
    ]
    # the second met 1 of 3 available: the first had taken 2
    assert row.decisions[1].needs == (SkuNeed("A", 2, 3, 2),)
    assert row.decisions[1].short == [SkuNeed("A", 2, 3, 2)]
    [why] = await explain.why(work, "s1", second.bundle_id, 10) or []
    assert why.sentence == "A short by 1; position 2 of 3 by paid time under rule v0"


async def test_the_wave_applies_the_sellers_current_rule_set() -> None:
    """AMOUNT, largest first: the second bundle (90,000 KRW) goes before the first paid."""
    work = FakeWork()
    first, second, third = three(work)
    saved = await rule_sets.save(work, "s1", [Criterion(CriterionKind.AMOUNT, True)], "kim")
    assert (saved.version, saved.created_by) == (1, "kim")
    assert saved.changes == ("removed paid time", "added amount (largest first)")
    await stock_changes.set_levels(work, "s1", {"A": 3})
    assert [work.status(b) for b in (first, second, third)] == [WAITING, ALLOCATED, ALLOCATED]
    [row] = work.waves.recorded
    assert row.rule_version == 1
    assert [d.bundle_id for d in row.decisions] == [
        second.bundle_id,
        first.bundle_id,  # 10,000 KRW like the third, and paid before it
        third.bundle_id,
    ]
    [why] = await explain.why(work, "s1", first.bundle_id, 10) or []
    assert why.sentence == "A short by 1; position 2 of 3 by amount (largest first) under rule v1"


async def test_marketplace_priority_gives_scarce_stock_to_the_first_ranked() -> None:
    work = FakeWork()
    coupang, naver = formed(1, A=1), formed(2, marketplace="NAVER", A=1)
    work.bundles.add(coupang)
    work.bundles.add(naver)
    ranking = Criterion(CriterionKind.MARKETPLACE_PRIORITY, ranking=("NAVER", "COUPANG"))
    await rule_sets.save(work, "s1", [ranking], "kim")
    assert await stock_changes.set_levels(work, "s1", {"A": 1}) == 1
    assert (work.status(naver), work.status(coupang)) == (ALLOCATED, WAITING)


async def test_a_manual_wave_is_recorded_even_with_nothing_waiting_a_continuous_one_not() -> None:
    work = FakeWork()
    assert await stock_changes.set_levels(work, "s1", {"A": 3}) == 0
    assert work.waves.recorded == []
    assert await waves.run_wave_now(work, "s1") == 0
    [row] = work.waves.recorded
    assert (row.trigger, row.decisions) == (Trigger.MANUAL, ())


async def test_the_preview_decides_as_the_wave_would_and_changes_nothing() -> None:
    work = FakeWork()
    first, second, third = three(work)
    work.stock.rows[("s1", "A")] = (3, 0)
    stock_before = dict(work.stock.rows)
    bundles_before = copy.deepcopy(work.bundles.stored)

    seen = await explain.preview(work, "s1")

    assert (seen.rules.version, seen.allocated) == (0, 2)
    assert [(d.bundle_id, d.allocated) for d in seen.decisions] == [
        (first.bundle_id, True),
        (second.bundle_id, False),
        (third.bundle_id, True),
    ]
    assert work.stock.rows == stock_before
    assert work.bundles.stored == bundles_before  # statuses, orders, allocated_at untouched
    assert work.bundles.reservations == {}
    assert (work.emitted, work.waves.recorded) == ([], [])
    # the wave it previewed, run for real, decides the same
    assert await waves.run_wave_now(work, "s1") == 2
    [row] = work.waves.recorded
    assert list(row.decisions) == seen.decisions


async def test_why_is_newest_first_and_another_sellers_bundle_is_none() -> None:
    work = FakeWork()
    _, second, _ = three(work)
    await stock_changes.set_levels(work, "s1", {"A": 3})
    await stock_changes.set_levels(work, "s1", {"A": 5})
    found = await explain.why(work, "s1", second.bundle_id, 10) or []
    assert [(d.decision.allocated, d.decision.position, d.decision.of) for d in found] == [
        (True, 1, 1),  # the second wave looked at it alone
        (False, 2, 3),
    ]
    assert found[0].sentence == "allocated; position 1 of 1 by paid time under rule v0"
    assert await explain.why(work, "s2", second.bundle_id, 10) is None


async def test_rule_versions_count_up_and_a_bad_one_is_refused() -> None:
    work = FakeWork()
    await rule_sets.save(work, "s1", [Criterion(CriterionKind.PAID_AT)], "kim", "first")
    await rule_sets.save(work, "s1", [Criterion(CriterionKind.QUANTITY)], "lee")
    with pytest.raises(RuleError, match=r"criteria\[1\]: QUANTITY appears twice"):
        duplicate = [Criterion(CriterionKind.QUANTITY), Criterion(CriterionKind.QUANTITY)]
        await rule_sets.save(work, "s1", duplicate, "lee")
    found = await rule_sets.rules_of(work, "s1", 10)
    assert [r.version for r in found.history] == [2, 1]
    assert found.current.version == 2
    assert found.history[1].note == "first"
    assert (await rule_sets.rules_of(work, "s2", 10)).current.version == 0


async def test_a_continuous_wave_writes_down_the_first_hundred_waiting_and_counts_all() -> None:
    """A queue short of one SKU is not written again whole at every batch; 할당처리 writes it."""
    work = FakeWork()
    boxes = [formed(n, A=1) for n in range(1, 131)]
    for b in boxes:
        work.bundles.add(b)
    assert await stock_changes.set_levels(work, "s1", {"A": 10}) == 10
    [row] = work.waves.recorded
    assert sum(d.allocated for d in row.decisions) == 10
    assert [d.position for d in row.decisions if not d.allocated] == list(range(11, 111))
    assert row.waiting == 120
    await waves.run_wave_now(work, "s1")
    manual = work.waves.recorded[-1]
    assert manual.trigger is Trigger.MANUAL and len(manual.decisions) == 120
