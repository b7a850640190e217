"""StockAllocated (할당): on-hand stock reserved for a whole bundle."""

import uuid
from typing import Literal

from pydantic import Field

from packline_contracts.events.base import Event
from packline_contracts.events.common import BundleMember, Recipient, SkuLine


class StockAllocated(Event):
    """Version 2 names each order's seller (`order.seller_id`); version 3 carries the bundle's
    `separate_invoices` flag on to the waybill service; version 4 lets the recipient carry the
    marketplace's building management number and road-name flag. Older versions still parse."""

    event_type: Literal["StockAllocated"] = "StockAllocated"
    schema_version: Literal[1, 2, 3, 4] = 4
    bundle_id: uuid.UUID
    recipient: Recipient
    members: tuple[BundleMember, ...] = Field(min_length=1)
    allocated: tuple[SkuLine, ...] = Field(min_length=1, description="Stock reserved, per SKU")
    separate_invoices: bool = Field(
        default=False,
        description="The marketplace forbids these orders to share a tracking number: one parcel each",
    )
