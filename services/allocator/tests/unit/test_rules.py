"""할당 rule sets, pure: each criterion's order, a condition limiting one, ties broken by paid time
then bundle id, the default (nothing saved) being earliest paid first, and what a version
refuses or says it changed."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from packline_allocator.domain.bundle import Bundle, OrderNeeds
from packline_allocator.domain.order_stock import BundleStatus, OrderStatus
from packline_allocator.domain.rules import (
    Condition,
    Criterion,
    CriterionKind,
    RuleError,
    RuleSet,
    changes,
    checked,
    default_rules,
)
from packline_contracts import Marketplace

T0 = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)
NOW = T0 + timedelta(days=1)
K = CriterionKind
MARKETPLACES = frozenset(m.value for m in Marketplace)


def box(
    paid: int = 0,
    *,
    orders: int = 1,
    marketplace: str = "COUPANG",
    needs: dict[str, int] | None = None,
    amount: int = 10_000,
    since: int | None = None,
    name: int | None = None,
) -> Bundle:
    """A waiting bundle paid `paid` minutes after T0 of `orders` live orders (each needing
    `needs` and paying `amount`), its first order waiting since `since` minutes after T0."""
    waited = T0 + timedelta(minutes=paid if since is None else since)
    return Bundle(
        uuid.UUID(int=name) if name is not None else uuid.uuid4(),
        "s1",
        T0 + timedelta(minutes=paid),
        BundleStatus.WAITING,
        [
            OrderNeeds(
                f"s1:{marketplace}:{i}",
                OrderStatus.LIVE,
                dict(needs or {"A": 1}),
                marketplace=marketplace,
                amount_krw=amount,
                waiting_since=waited + timedelta(minutes=i),
            )
            for i in range(orders)
        ],
    )


def rules(*criteria: Criterion) -> RuleSet:
    return RuleSet("s1", 1, criteria)


def ordered(rule_set: RuleSet, *bundles: Bundle) -> list[Bundle]:
    return rule_set.order(list(bundles), NOW)


def test_the_default_is_earliest_paid_first_then_bundle_id() -> None:
    late, early = box(9), box(1)
    tie_b, tie_a = box(5, name=2), box(5, name=1)
    assert default_rules("s1").version == 0
    assert ordered(default_rules("s1"), late, tie_b, early, tie_a) == [early, tie_a, tie_b, late]


def test_marketplace_priority_ranks_listed_first_and_unlisted_last() -> None:
    coupang, naver, gmarket = box(1), box(2, marketplace="NAVER"), box(0, marketplace="GMARKET")
    by_rank = rules(Criterion(K.MARKETPLACE_PRIORITY, ranking=("NAVER", "COUPANG")))
    assert ordered(by_rank, coupang, gmarket, naver) == [naver, coupang, gmarket]


def test_marketplace_priority_takes_the_best_ranked_order_of_a_mixed_box() -> None:
    mixed = box(9, marketplace="COUPANG")
    mixed.orders.append(OrderNeeds("s1:NAVER:9", OrderStatus.LIVE, {"A": 1}, marketplace="NAVER"))
    coupang = box(1)
    by_rank = rules(Criterion(K.MARKETPLACE_PRIORITY, ranking=("NAVER", "COUPANG")))
    assert ordered(by_rank, coupang, mixed) == [mixed, coupang]
    mixed.orders[-1].status = OrderStatus.CANCELLED  # a cancelled order no longer counts
    assert ordered(by_rank, coupang, mixed) == [coupang, mixed]


def test_paid_at_is_earliest_first() -> None:
    first, second = box(1), box(2)
    assert ordered(rules(Criterion(K.PAID_AT)), second, first) == [first, second]


@pytest.mark.parametrize("descending", [False, True])
def test_bundle_size_counts_live_orders_either_way(descending: bool) -> None:
    one, three = box(1, orders=1), box(2, orders=3)
    expected = [three, one] if descending else [one, three]
    assert ordered(rules(Criterion(K.BUNDLE_SIZE, descending)), three, one) == expected


@pytest.mark.parametrize("descending", [False, True])
def test_quantity_counts_units_either_way(descending: bool) -> None:
    few, many = box(2, needs={"A": 1}), box(1, needs={"A": 2, "B": 3})
    expected = [many, few] if descending else [few, many]
    assert ordered(rules(Criterion(K.QUANTITY, descending)), many, few) == expected


@pytest.mark.parametrize("descending", [False, True])
def test_amount_is_integer_krw_either_way(descending: bool) -> None:
    cheap, dear = box(1, amount=9_900), box(2, amount=129_000)
    expected = [dear, cheap] if descending else [cheap, dear]
    assert ordered(rules(Criterion(K.AMOUNT, descending)), dear, cheap) == expected


def test_longest_waiting_puts_the_box_with_the_oldest_line_first() -> None:
    """A box paid late whose order waited here since early (it moved from an older box)."""
    moved, fresh = box(30, since=0), box(10)
    assert ordered(rules(Criterion(K.LONGEST_WAITING)), fresh, moved) == [moved, fresh]
    assert ordered(default_rules("s1"), fresh, moved) == [fresh, moved]


def test_a_condition_limits_a_criterion_and_outside_is_neutral() -> None:
    """AMOUNT (largest first) for NAVER only: the NAVER boxes by amount; the others tie on it
    and follow, in paid order, whatever they paid."""
    naver_cheap = box(1, marketplace="NAVER", amount=1_000)
    naver_dear = box(5, marketplace="NAVER", amount=90_000)
    coupang_dear, coupang_cheap = box(2, amount=500_000), box(3, amount=10)
    for_naver = Criterion(K.AMOUNT, True, condition=Condition(frozenset({"NAVER"})))
    assert ordered(rules(for_naver), coupang_cheap, naver_cheap, coupang_dear, naver_dear) == [
        naver_dear,
        naver_cheap,
        coupang_dear,
        coupang_cheap,
    ]


def test_a_sku_condition_applies_to_boxes_needing_one_of_them() -> None:
    soup, oil = box(5, needs={"BONE-SOUP": 1}), box(1, needs={"OIL": 1})
    soup_first = Criterion(K.PAID_AT, condition=Condition(skus=frozenset({"BONE-SOUP"})))
    assert ordered(rules(soup_first), oil, soup) == [soup, oil]


def test_ties_fall_to_paid_time_then_bundle_id_under_any_rules() -> None:
    a, b, c = box(3, name=7), box(3, name=5), box(1, name=9)
    by_size = rules(Criterion(K.BUNDLE_SIZE))  # all of size 1: the tie-break decides
    assert ordered(by_size, a, b, c) == [c, b, a]
    assert by_size.sort_key(b, NOW) < by_size.sort_key(a, NOW)


def test_criteria_apply_in_order() -> None:
    naver_late, coupang_big, coupang_small = (
        box(9, marketplace="NAVER"),
        box(1, orders=3),
        box(2),
    )
    first_mp = rules(
        Criterion(K.MARKETPLACE_PRIORITY, ranking=("NAVER",)), Criterion(K.BUNDLE_SIZE, True)
    )
    assert ordered(first_mp, coupang_small, naver_late, coupang_big) == [
        naver_late,
        coupang_big,
        coupang_small,
    ]
    assert first_mp.text == ("by marketplace priority (NAVER), then bundle size (largest first)")


@pytest.mark.parametrize(
    ("criteria", "index", "message"),
    [
        ([Criterion(K.PAID_AT), Criterion(K.AMOUNT), Criterion(K.PAID_AT)], 2, "twice"),
        ([Criterion(K.MARKETPLACE_PRIORITY)], 0, "ranking"),
        ([Criterion(K.AMOUNT, ranking=("NAVER",))], 0, "ranking"),
        ([Criterion(K.MARKETPLACE_PRIORITY, ranking=("NAVER", "NAVER"))], 0, "ranked twice"),
        ([Criterion(K.AMOUNT), Criterion(K.MARKETPLACE_PRIORITY, ranking=("EBAY",))], 1, "EBAY"),
        ([Criterion(K.PAID_AT, condition=Condition(frozenset({"EBAY"})))], 0, "EBAY"),
        ([Criterion(K.PAID_AT, descending=True)], 0, "one direction"),
        ([], 0, "at least one"),
    ],
)
def test_a_bad_rule_set_names_the_criterion(
    criteria: list[Criterion], index: int, message: str
) -> None:
    with pytest.raises(RuleError, match=message) as caught:
        checked(criteria, MARKETPLACES)
    assert caught.value.index == index
    assert str(caught.value).startswith(f"criteria[{index}]")


def test_a_new_version_says_what_it_changed() -> None:
    before = default_rules("s1")
    after = (Criterion(K.AMOUNT, True), Criterion(K.PAID_AT))
    assert changes(before, after) == ("added amount (largest first)",)
    v1 = RuleSet("s1", 1, after)
    swapped = (Criterion(K.PAID_AT), Criterion(K.AMOUNT, False))
    assert changes(v1, swapped) == (
        "amount (largest first) → amount (smallest first)",
        "reordered: paid time, then amount",
    )
    assert changes(v1, after) == ("no change",)
    assert changes(v1, (Criterion(K.PAID_AT),)) == ("removed amount (largest first)",)
