"""Shipped (배송): a package left the warehouse; tracking is pushed per marketplace order."""

import uuid
from typing import Any, Literal

from pydantic import AwareDatetime, Field, model_validator

from packline_contracts.events.base import Event
from packline_contracts.events.common import ShippedOrder, SkuLine, parcel_is_the_bundle


class Shipped(Event):
    """Version 2 names each order's seller (`order.seller_id`); version 3 names the parcel (a
    bundle may leave as several parcels, each with its own number). Older versions still parse,
    their parcel being the bundle."""

    event_type: Literal["Shipped"] = "Shipped"
    schema_version: Literal[1, 2, 3] = 3
    bundle_id: uuid.UUID
    parcel_id: uuid.UUID = Field(description="The parcel; equals bundle_id for a one-parcel bundle")
    courier_code: str = Field(min_length=2, max_length=16)
    tracking_number: str = Field(pattern=r"^[0-9]{8,16}$")
    shipped_at: AwareDatetime
    orders: tuple[ShippedOrder, ...] = Field(min_length=1)
    stock_out: tuple[SkuLine, ...] = Field(min_length=1, description="Stock that left, per SKU")

    @model_validator(mode="before")
    @classmethod
    def _parcel_is_the_bundle_before_v3(cls, data: Any) -> Any:
        return parcel_is_the_bundle(data)
