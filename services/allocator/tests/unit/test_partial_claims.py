"""부분취소 claims with no database: applied at once only when the order holds no stock, else
held for the shipper's answer; applied at most once, whatever arrives first or again."""

import uuid

from packline_allocator.domain.order_stock import BundleOrder, BundleStatus, OrderStatus
from packline_allocator.domain.partial_cancel import ClaimState, PartialClaim


def _claim() -> PartialClaim:
    return PartialClaim(uuid.uuid4(), "NAVER:1", {"1": 1})


def _order(status: BundleStatus, reserved: bool) -> BundleOrder:
    return BundleOrder("NAVER:1", uuid.uuid4(), OrderStatus.LIVE, status, reserved)


def test_a_claim_on_an_order_holding_no_stock_applies_at_once_and_never_again() -> None:
    for order in (None, _order(BundleStatus.WAITING, False)):
        claim = _claim()
        assert claim.hear(order) is True and claim.state is ClaimState.APPLIED
        assert claim.answered(cancelled=True) is False  # its answer changes nothing


def test_a_claim_on_a_reserved_order_waits_for_the_shippers_answer() -> None:
    claim = _claim()
    assert claim.hear(_order(BundleStatus.ALLOCATED, True)) is False
    assert claim.state is ClaimState.HELD
    assert claim.answered(cancelled=True) is True
    assert claim.answered(cancelled=True) is False  # a replay


def test_too_late_never_applies_a_claim_whatever_comes_after() -> None:
    claim = _claim()
    assert claim.answered(cancelled=False) is False and claim.state is ClaimState.TOO_LATE
    assert claim.hear(None) is False and claim.answered(cancelled=True) is False


def test_an_answer_that_overtakes_its_claim_applies_it_once() -> None:
    claim = _claim()
    assert claim.answered(cancelled=True) is True
    assert claim.hear(_order(BundleStatus.ALLOCATED, True)) is False
