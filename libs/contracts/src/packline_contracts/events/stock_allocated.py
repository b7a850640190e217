"""StockAllocated (할당): on-hand stock reserved for a whole bundle."""

import uuid
from typing import Literal

from pydantic import Field

from packline_contracts.events.base import Event
from packline_contracts.events.common import BundleMember, Recipient, SkuLine


class StockAllocated(Event):
    """Version 2 names each order's seller (`order.seller_id`); version 3 carries the bundle's
    `separate_invoices` flag on to the waybill service; version 4 lets the recipient carry the
    marketplace's building management number and road-name flag. Version 5 carries a split
    (미할당주문나누기: partial shipment, between orders, never inside one): on the part that
    ships first, `backorder_id` names the new bundle its other orders wait in; on that
    backorder's own StockAllocated (after a restock), `split_from` names the original bundle.
    Both are None for a bundle allocated whole. Older versions still parse (both None)."""

    event_type: Literal["StockAllocated"] = "StockAllocated"
    schema_version: Literal[1, 2, 3, 4, 5] = 5
    bundle_id: uuid.UUID
    recipient: Recipient
    members: tuple[BundleMember, ...] = Field(min_length=1)
    allocated: tuple[SkuLine, ...] = Field(min_length=1, description="Stock reserved, per SKU")
    separate_invoices: bool = Field(
        default=False,
        description="The marketplace forbids these orders to share a tracking number: one parcel each",
    )
    split_from: uuid.UUID | None = Field(
        default=None,
        description="A backorder's allocation: the bundle it was split from (else None)",
    )
    backorder_id: uuid.UUID | None = Field(
        default=None,
        description="A partial shipment: the new bundle the orders that did not fit wait in",
    )
