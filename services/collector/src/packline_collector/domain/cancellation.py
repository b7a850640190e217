"""취소 as the collector sees it: a cancellation is *requested* here and decided at the shipping
line (docs/adr/0003), so the order reads CANCEL_REQUESTED until the shipper answers."""

from enum import StrEnum

from packline_contracts import CancellationOutcome


class OrderStatus(StrEnum):
    COLLECTED = "COLLECTED"
    CANCEL_REQUESTED = "CANCEL_REQUESTED"  # sent to every stage; the shipper has not answered
    CANCELLED = "CANCELLED"
    SHIPPED = "SHIPPED"
    DELETED = "DELETED"  # its Excel batch was deleted before matching


class CancelRefused(ValueError):
    """The order cannot be cancelled any more; the message says what to do instead."""


def request_cancel(uid: str, status: OrderStatus) -> OrderStatus:
    """The status after a cancel request. Asking again changes nothing; a shipped order is a
    return (반품), not a cancellation."""
    if status is OrderStatus.SHIPPED:
        raise CancelRefused(f"order {uid} has already shipped; handle it as a return (반품)")
    if status is OrderStatus.DELETED:
        raise CancelRefused(f"order {uid} was deleted with its Excel batch; nothing to cancel")
    if status is OrderStatus.COLLECTED:
        return OrderStatus.CANCEL_REQUESTED
    return status


def after_decision(status: OrderStatus, outcome: CancellationOutcome) -> OrderStatus:
    """The shipper's answer: CANCELLED takes effect on an order not shipped; TOO_LATE means its
    parcel had left, so it is SHIPPED (and a person gets the return case)."""
    if outcome == "TOO_LATE":
        return status if status is OrderStatus.DELETED else OrderStatus.SHIPPED
    if status in (OrderStatus.COLLECTED, OrderStatus.CANCEL_REQUESTED):
        return OrderStatus.CANCELLED
    return status
