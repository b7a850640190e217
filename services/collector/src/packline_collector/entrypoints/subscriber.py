"""The collector listens for Shipped, OrderMatched and the shipper's answers to cancellations, so
an order's status here says whether it left or was cancelled, and whether it is already past
matching (an Excel batch may then not be deleted); for DeadLettered, so an order a stage
could not handle shows as stranded; and for WaybillIssued, so a 가배송 number is pushed to the
marketplace before the scan."""

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
    WaybillIssued,
)
from packline_runtime.consumer import Subscription


def subscription() -> Subscription:
    return Subscription(
        group=ConsumerGroup.COLLECTOR,
        topics=(
            Topic.SHIPPED,
            Topic.WAYBILL_ISSUED,
            Topic.ORDER_MATCHED,
            Topic.CANCELLATION_DECIDED,
            Topic.DEAD_LETTER,
        ),
        accepts=(Shipped, WaybillIssued, OrderMatched, CancellationDecided, DeadLettered),
        handle=use_cases.note_progress,
        description="Marks collected orders as shipped (출고완료), cancelled (취소, once the shipper "
        "decides; a cancel after shipping becomes a return case) or past matching (매칭), and "
        "keeps the dead letters of any stage that concern them; records the lines of shipped "
        "parcels (and of 가배송 parcels once numbered) whose tracking number awaits a push.",
        publishes=(OrderCollected, OrderCancelled, OrderRecipientChanged),
    )
