"""취소 at the collector: requested here, decided by the shipping line; one answer wins."""

import pytest

from packline_collector.domain.cancellation import (
    CancelRefused,
    OrderStatus,
    after_decision,
    request_cancel,
)


def test_a_cancel_request_is_not_yet_a_cancellation() -> None:
    assert request_cancel("NAVER:1", OrderStatus.COLLECTED) is OrderStatus.CANCEL_REQUESTED
    assert request_cancel("NAVER:1", OrderStatus.CANCEL_REQUESTED) is OrderStatus.CANCEL_REQUESTED
    assert request_cancel("NAVER:1", OrderStatus.CANCELLED) is OrderStatus.CANCELLED


@pytest.mark.parametrize("status", [OrderStatus.SHIPPED, OrderStatus.DELETED])
def test_a_shipped_or_deleted_order_cannot_be_cancelled(status: OrderStatus) -> None:
    with pytest.raises(CancelRefused, match="NAVER:1"):
        request_cancel("NAVER:1", status)


def test_the_shippers_answer_decides_the_order() -> None:
    requested = OrderStatus.CANCEL_REQUESTED
    assert after_decision(requested, "CANCELLED") is OrderStatus.CANCELLED
    assert after_decision(requested, "TOO_LATE") is OrderStatus.SHIPPED
    assert after_decision(OrderStatus.SHIPPED, "CANCELLED") is OrderStatus.SHIPPED  # never both
    assert after_decision(OrderStatus.DELETED, "CANCELLED") is OrderStatus.DELETED
