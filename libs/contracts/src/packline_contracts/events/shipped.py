"""Shipped (배송): a package left the warehouse; tracking is pushed per marketplace order."""

import uuid
from typing import Literal

from pydantic import AwareDatetime, Field

from packline_contracts.events.base import Event
from packline_contracts.events.common import ShippedOrder, SkuLine


class Shipped(Event):
    """Version 2 names each order's seller (`order.seller_id`); version 1 still parses."""

    event_type: Literal["Shipped"] = "Shipped"
    schema_version: Literal[1, 2] = 2
    bundle_id: uuid.UUID
    courier_code: str = Field(min_length=2, max_length=16)
    tracking_number: str = Field(pattern=r"^[0-9]{8,16}$")
    shipped_at: AwareDatetime
    orders: tuple[ShippedOrder, ...] = Field(min_length=1)
    stock_out: tuple[SkuLine, ...] = Field(min_length=1, description="Stock that left, per SKU")
