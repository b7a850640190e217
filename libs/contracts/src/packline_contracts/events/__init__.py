"""The order-state events, one module each, and a parser that picks the model by event_type."""

from typing import Annotated

from pydantic import Field, TypeAdapter

from packline_contracts.events.base import Event
from packline_contracts.events.bundle_formed import BundleFormed
from packline_contracts.events.cancellation_decided import CancellationDecided, CancellationOutcome
from packline_contracts.events.common import (
    BundleMember,
    Marketplace,
    MatchedLine,
    OrderLine,
    OrderRef,
    Recipient,
    ShippedOrder,
    SkuLine,
)
from packline_contracts.events.dead_lettered import DeadLettered
from packline_contracts.events.order_cancelled import CancelledLine, OrderCancelled
from packline_contracts.events.order_collected import OrderCollected
from packline_contracts.events.order_matched import OrderMatched
from packline_contracts.events.order_recipient_changed import OrderRecipientChanged
from packline_contracts.events.order_unmatched import OrderUnmatched
from packline_contracts.events.shipped import Shipped
from packline_contracts.events.stock_allocated import StockAllocated
from packline_contracts.events.waybill_issued import WaybillIssued
from packline_contracts.text_rules import NUL_FREE, holds_nul

ALL_EVENTS: tuple[type[Event], ...] = (
    OrderCollected,
    OrderMatched,
    BundleFormed,
    StockAllocated,
    WaybillIssued,
    Shipped,
    OrderCancelled,
    DeadLettered,
    OrderUnmatched,
    OrderRecipientChanged,
    CancellationDecided,
)

AnyEvent = Annotated[
    OrderCollected
    | OrderMatched
    | BundleFormed
    | StockAllocated
    | WaybillIssued
    | Shipped
    | OrderCancelled
    | DeadLettered
    | OrderUnmatched
    | OrderRecipientChanged
    | CancellationDecided,
    Field(discriminator="event_type"),
]
_any_event: TypeAdapter[AnyEvent] = TypeAdapter(AnyEvent)


def parse_event(raw: bytes | str) -> Event:
    """Parse any Packline event from JSON; raises pydantic.ValidationError when malformed."""
    return _any_event.validate_json(raw, context=None if holds_nul(raw) else NUL_FREE)


__all__ = [
    "ALL_EVENTS",
    "AnyEvent",
    "BundleFormed",
    "BundleMember",
    "CancellationDecided",
    "CancellationOutcome",
    "CancelledLine",
    "DeadLettered",
    "Event",
    "Marketplace",
    "MatchedLine",
    "OrderCancelled",
    "OrderCollected",
    "OrderLine",
    "OrderMatched",
    "OrderRecipientChanged",
    "OrderRef",
    "OrderUnmatched",
    "Recipient",
    "Shipped",
    "ShippedOrder",
    "SkuLine",
    "StockAllocated",
    "WaybillIssued",
    "parse_event",
]
