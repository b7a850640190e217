"""할당 rules: whole bundles only, earliest paid first, later small bundles may still fit."""

import uuid

from packline_allocator.domain.allocation import (
    WaitingBundle,
    order_demand,
    run_wave,
    stock_allocated,
)
from packline_launcher.testing import bundle, collected, matched


def wb(**demand: int) -> WaitingBundle:
    return WaitingBundle(uuid.uuid4(), demand)


def test_bundles_are_allocated_whole_in_order_until_stock_runs_out() -> None:
    first, second, third = wb(A=2), wb(A=2), wb(A=1)
    assert run_wave([first, second, third], {"A": 3}) == [first, third]


def test_a_bundle_missing_one_sku_waits_entirely() -> None:
    both = wb(A=1, B=1)
    assert run_wave([both], {"A": 5}) == []


def test_unknown_sku_means_no_stock() -> None:
    assert run_wave([wb(GHOST=1)], {}) == []


def test_never_allocates_more_than_available() -> None:
    bundles = [wb(A=1) for _ in range(10)]
    assert len(run_wave(bundles, {"A": 7})) == 7


def test_order_demand_sums_sets() -> None:
    b = bundle(matched(collected(1), {"OIL-A": 2, "OIL-B": 2}))
    assert order_demand(b.members[0]) == {"OIL-A": 2, "OIL-B": 2}


def test_the_separate_invoice_flag_goes_on_to_the_waybill() -> None:
    one, two = matched(collected(1), {"A": 1}), matched(collected(2), {"A": 1})
    formed = bundle(one, two).model_copy(update={"separate_invoices": True})
    live = {one.order.uid, two.order.uid}
    assert stock_allocated(formed, live, {"A": 2}).separate_invoices
    shared = formed.model_copy(update={"separate_invoices": False})
    assert not stock_allocated(shared, live, {"A": 2}).separate_invoices
