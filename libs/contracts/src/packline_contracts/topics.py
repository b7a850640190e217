"""Topic and consumer-group names (versioned), and which field keys each event's partition."""

from enum import StrEnum

from packline_contracts.events import (
    BundleFormed,
    CancellationDecided,
    DeadLettered,
    Event,
    OrderCancelled,
    OrderCollected,
    OrderMatched,
    OrderRecipientChanged,
    OrderUnmatched,
    Shipped,
    StockAllocated,
    WaybillIssued,
)


class Topic(StrEnum):
    ORDER_COLLECTED = "packline.order-collected.v1"
    ORDER_MATCHED = "packline.order-matched.v1"
    BUNDLE_FORMED = "packline.bundle-formed.v1"
    STOCK_ALLOCATED = "packline.stock-allocated.v1"
    WAYBILL_ISSUED = "packline.waybill-issued.v1"
    SHIPPED = "packline.shipped.v1"
    ORDER_CANCELLED = "packline.order-cancelled.v1"
    ORDER_RECIPIENT_CHANGED = "packline.order-recipient-changed.v1"
    DEAD_LETTER = "packline.dead-letter.v1"
    ORDER_UNMATCHED = "packline.order-unmatched.v1"
    CANCELLATION_DECIDED = "packline.cancellation-decided.v1"


class ConsumerGroup(StrEnum):
    COLLECTOR = "packline.collector"
    MATCHER = "packline.matcher"
    BUNDLER = "packline.bundler"
    ALLOCATOR = "packline.allocator"
    WAYBILL = "packline.waybill"
    SHIPPER = "packline.shipper"


_TOPIC_OF: dict[type[Event], Topic] = {
    OrderCollected: Topic.ORDER_COLLECTED,
    OrderMatched: Topic.ORDER_MATCHED,
    BundleFormed: Topic.BUNDLE_FORMED,
    StockAllocated: Topic.STOCK_ALLOCATED,
    WaybillIssued: Topic.WAYBILL_ISSUED,
    Shipped: Topic.SHIPPED,
    OrderCancelled: Topic.ORDER_CANCELLED,
    OrderRecipientChanged: Topic.ORDER_RECIPIENT_CHANGED,
    DeadLettered: Topic.DEAD_LETTER,
    OrderUnmatched: Topic.ORDER_UNMATCHED,
    CancellationDecided: Topic.CANCELLATION_DECIDED,
}


def topic_for(event: Event) -> Topic:
    return _TOPIC_OF[type(event)]


def topic_of(model: type[Event]) -> Topic:
    return _TOPIC_OF[model]


def partition_key(event: Event) -> str:
    """recipient_key up to bundling, so orders that may bundle share a partition; then bundle_id."""
    if isinstance(
        event,
        OrderCollected
        | OrderMatched
        | OrderCancelled
        | OrderUnmatched
        | OrderRecipientChanged
        | CancellationDecided,
    ):
        return event.recipient_key
    if isinstance(event, BundleFormed | StockAllocated | WaybillIssued | Shipped):
        return str(event.bundle_id)
    if isinstance(event, DeadLettered):
        return event.consumer
    raise TypeError(f"no partition key rule for {type(event).__name__}")
