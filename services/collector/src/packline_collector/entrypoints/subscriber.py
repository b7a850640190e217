"""The collector listens for Shipped, OrderMatched and the shipper's answers to cancellations, so
an order's status here says whether it left or was cancelled, and whether it is already past
matching (an Excel batch may then not be deleted); and for DeadLettered, so an order a stage
could not handle shows as stranded."""

from packline_collector.service_layer import use_cases
from packline_contracts import (
    CancellationDecided,
    ConsumerGroup,
    DeadLettered,
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
        topics=(Topic.SHIPPED, Topic.ORDER_MATCHED, Topic.CANCELLATION_DECIDED, Topic.DEAD_LETTER),
        accepts=(Shipped, OrderMatched, CancellationDecided, DeadLettered),
        handle=use_cases.note_progress,
        description="Marks collected orders as shipped (출고완료), cancelled (취소, once the shipper "
        "decides; a cancel after shipping becomes a return case) or past matching (매칭), and "
        "keeps the dead letters of any stage that concern them.",
        publishes=(OrderCollected, OrderCancelled, OrderRecipientChanged),
    )
