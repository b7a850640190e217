"""The collector listens for Shipped and OrderMatched, so an order's status here says whether it
left, and whether it is already past matching (an Excel batch may then not be deleted)."""

from packline_collector.service_layer import use_cases
from packline_contracts import (
    ConsumerGroup,
    OrderCancelled,
    OrderCollected,
    OrderMatched,
    OrderRecipientChanged,
    Shipped,
    Topic,
)
from packline_runtime.consumer import Subscription


def subscription() -> Subscription:
    return Subscription(
        group=ConsumerGroup.COLLECTOR,
        topics=(Topic.SHIPPED, Topic.ORDER_MATCHED),
        accepts=(Shipped, OrderMatched),
        handle=use_cases.note_progress,
        description="Marks collected orders as shipped (출고완료) or past matching (매칭).",
        publishes=(OrderCollected, OrderCancelled, OrderRecipientChanged),
    )
