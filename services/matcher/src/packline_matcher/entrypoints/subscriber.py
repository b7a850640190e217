"""Matcher subscription: collected orders, cancellations, address changes and allocations (which end the
window in which a deleted mapping can still take an order back)."""

from packline_contracts import (
    ConsumerGroup,
    OrderCancelled,
    OrderCollected,
    OrderMatched,
    OrderRecipientChanged,
    OrderUnmatched,
    StockAllocated,
    Topic,
)
from packline_matcher.service_layer import use_cases
from packline_runtime.consumer import Subscription


def subscription() -> Subscription:
    return Subscription(
        group=ConsumerGroup.MATCHER,
        topics=(
            Topic.ORDER_COLLECTED,
            Topic.ORDER_CANCELLED,
            Topic.ORDER_RECIPIENT_CHANGED,
            Topic.STOCK_ALLOCATED,
        ),
        accepts=(OrderCollected, OrderCancelled, OrderRecipientChanged, StockAllocated),
        handle=use_cases.handle_events,
        description="매칭: resolves order lines to SKUs; unmatched orders wait for a mapping.",
        publishes=(OrderMatched, OrderUnmatched),
    )
