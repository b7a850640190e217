"""Allocator subscription: sealed bundles, cancellations and shipments (stock out)."""

from packline_allocator.service_layer import use_cases
from packline_contracts import (
    BundleFormed,
    CancellationDecided,
    ConsumerGroup,
    OrderCancelled,
    Shipped,
    StockAllocated,
    Topic,
)
from packline_runtime.consumer import Subscription


def subscription() -> Subscription:
    return Subscription(
        group=ConsumerGroup.ALLOCATOR,
        topics=(
            Topic.BUNDLE_FORMED,
            Topic.ORDER_CANCELLED,
            Topic.CANCELLATION_DECIDED,
            Topic.SHIPPED,
        ),
        accepts=(BundleFormed, OrderCancelled, CancellationDecided, Shipped),
        handle=use_cases.handle_events,
        description="할당: reserves stock for whole bundles in the seller's rule order (default: "
        "paid_at), recording each wave and its decisions; a waiting order leaves "
        "on cancel (or shrinks on a partial one), an allocated one releases its stock (or exactly "
        "the cancelled units) once the shipper decides the cancel took effect; exactly what "
        "shipped leaves on-hand.",
        publishes=(StockAllocated,),
    )
