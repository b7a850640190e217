"""OrderCollected (주문수집): a paid order awaiting shipment entered Packline."""

from typing import Literal

from pydantic import AwareDatetime, Field

from packline_contracts.events.base import Event
from packline_contracts.events.common import OrderLine, OrderRef, Recipient


class OrderCollected(Event):
    """Version 2 names the order's seller (`order.seller_id`); version 3 lets the recipient
    carry the marketplace's building management number and road-name flag. Older versions
    still parse."""

    event_type: Literal["OrderCollected"] = "OrderCollected"
    schema_version: Literal[1, 2, 3] = 3
    order: OrderRef
    recipient_key: str = Field(min_length=16, max_length=128, description="Partition key")
    ordered_at: AwareDatetime
    paid_at: AwareDatetime
    recipient: Recipient
    orderer_name: str = Field(default="", max_length=100)
    lines: tuple[OrderLine, ...] = Field(min_length=1)
    shipping_fee_krw: int = Field(default=0, ge=0)
    source: Literal["API", "MANUAL", "FILE", "EXCEL"] = "API"
