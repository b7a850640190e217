"""Bundler subscription: matched orders, cancellations, unmatches (a deleted mapping), address
changes (배송지 변경) and allocations (after which a bundle no longer changes here)."""

from collections.abc import Sequence
from datetime import timedelta

from packline_bundler.service_layer import use_cases
from packline_contracts import (
    BundleFormed,
    ConsumerGroup,
    Event,
    OrderCancelled,
    OrderMatched,
    OrderRecipientChanged,
    OrderUnmatched,
    StockAllocated,
    Topic,
)
from packline_runtime.consumer import Subscription
from packline_runtime.unit_of_work import UnitOfWork


def subscription(hold: timedelta) -> Subscription:
    async def handle(uow: UnitOfWork, events: Sequence[Event]) -> None:
        await use_cases.handle_events(uow, events, hold)

    return Subscription(
        group=ConsumerGroup.BUNDLER,
        topics=(
            Topic.ORDER_MATCHED,
            Topic.ORDER_CANCELLED,
            Topic.ORDER_UNMATCHED,
            Topic.ORDER_RECIPIENT_CHANGED,
            Topic.STOCK_ALLOCATED,
        ),
        accepts=(
            OrderMatched,
            OrderCancelled,
            OrderUnmatched,
            OrderRecipientChanged,
            StockAllocated,
        ),
        handle=handle,
        description="합포: orders to the same recipient join one open bundle until it is sealed.",
        publishes=(BundleFormed,),
    )
