"""WaybillIssued (송장): a courier tracking number assigned to one parcel of a bundle."""

import uuid
from typing import Any, Literal

from pydantic import Field, model_validator

from packline_contracts.events.base import Event
from packline_contracts.events.common import BundleMember, Recipient, parcel_is_the_bundle

IssuedVia = Literal["FILE", "BAND", "API"]


class WaybillIssued(Event):
    """Version 2 names each order's seller (`order.seller_id`). Version 3 adds the parcel (a
    bundle whose orders may not share a number has one parcel per order), how the number was
    issued, and whether the seller lets it go to the marketplaces before the scan (가배송).
    Version 4 lets the recipient carry the marketplace's building management number and
    road-name flag. Older versions still parse: their parcel is the bundle, issued from a band."""

    event_type: Literal["WaybillIssued"] = "WaybillIssued"
    schema_version: Literal[1, 2, 3, 4] = 4
    bundle_id: uuid.UUID
    parcel_id: uuid.UUID = Field(description="The parcel; equals bundle_id for a one-parcel bundle")
    courier_code: str = Field(min_length=2, max_length=16, description="e.g. CJGLS, HYUNDAI")
    tracking_number: str = Field(pattern=r"^[0-9]{8,16}$")
    issued_via: IssuedVia = Field(
        default="BAND",
        description="FILE: the courier's returned Excel file; BAND: the seller's number band; "
        "API: the courier's booking API",
    )
    pre_shipment_push: bool = Field(
        default=False,
        description="가배송: the seller lets this number go to the marketplaces before the scan",
    )
    recipient: Recipient
    members: tuple[BundleMember, ...] = Field(min_length=1)

    @model_validator(mode="before")
    @classmethod
    def _parcel_is_the_bundle_before_v3(cls, data: Any) -> Any:
        return parcel_is_the_bundle(data)
