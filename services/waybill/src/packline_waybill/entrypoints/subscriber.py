"""Waybill subscription: allocated bundles become parcels, numbered from a band at once or left
awaiting a courier file or booking; cancels void parcels; an address change (배송지 변경)
replaces an issued number; a partial cancel decided at the shipping line takes its units off the
parcel's contents (its reprinted label); Shipped starts delivery tracking (배송추적) of the parcel."""

from collections.abc import Sequence

from packline_contracts import (
    CancellationDecided,
    ConsumerGroup,
    Event,
    OrderCancelled,
    OrderRecipientChanged,
    Shipped,
    StockAllocated,
    Topic,
    WaybillIssued,
)
from packline_runtime.consumer import Subscription
from packline_runtime.unit_of_work import UnitOfWork
from packline_waybill.service_layer import tracking, use_cases
from packline_waybill.service_layer.claims import Numbering


def subscription(
    numbering: Numbering, policy: tracking.TrackingPolicy | None = None
) -> Subscription:
    clock = (policy or tracking.TrackingPolicy()).clock

    async def handle(uow: UnitOfWork, events: Sequence[Event]) -> None:
        await use_cases.handle_events(uow, events, numbering)
        shipped = [e for e in events if isinstance(e, Shipped)]
        if shipped:
            await tracking.record_shipped(uow, shipped, clock())

    return Subscription(
        group=ConsumerGroup.WAYBILL,
        topics=(
            Topic.STOCK_ALLOCATED,
            Topic.ORDER_CANCELLED,
            Topic.ORDER_RECIPIENT_CHANGED,
            Topic.SHIPPED,
            Topic.CANCELLATION_DECIDED,
        ),
        accepts=(
            StockAllocated,
            OrderCancelled,
            OrderRecipientChanged,
            Shipped,
            CancellationDecided,
        ),
        handle=handle,
        description="송장: makes parcels of allocated bundles (one per order where the marketplace "
        f"forbids a shared number) and numbers them from the seller's courier account (band, "
        f"courier file or courier API; without one, the {numbering.band.courier_code} service "
        "band); voids cancelled ones; re-labels on 배송지 변경; a parcel's label names what is left "
        "once the shipping line decides a partial cancel (부분취소); follows shipped parcels through "
        "the courier's tracking API (배송추적).",
        publishes=(WaybillIssued,),
    )
