"""Waybill subscription: allocated bundles get a tracking number; cancels void waybills; an
address change (배송지 변경) replaces an issued number with a new label."""

from collections.abc import Sequence

from packline_contracts import (
    ConsumerGroup,
    Event,
    OrderCancelled,
    OrderRecipientChanged,
    StockAllocated,
    Topic,
    WaybillIssued,
)
from packline_runtime.consumer import Subscription
from packline_runtime.unit_of_work import UnitOfWork
from packline_waybill.domain.numbers import NumberBand
from packline_waybill.service_layer import use_cases


def subscription(band: NumberBand) -> Subscription:
    async def handle(uow: UnitOfWork, events: Sequence[Event]) -> None:
        await use_cases.handle_events(uow, events, band)

    return Subscription(
        group=ConsumerGroup.WAYBILL,
        topics=(Topic.STOCK_ALLOCATED, Topic.ORDER_CANCELLED, Topic.ORDER_RECIPIENT_CHANGED),
        accepts=(StockAllocated, OrderCancelled, OrderRecipientChanged),
        handle=handle,
        description=f"송장: issues {band.courier_code} tracking numbers; voids fully cancelled ones; "
        "re-labels on 배송지 변경.",
        publishes=(WaybillIssued,),
    )
