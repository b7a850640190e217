"""WaybillIssued (송장): a courier tracking number assigned to one package."""

import uuid
from typing import Literal

from pydantic import Field

from packline_contracts.events.base import Event
from packline_contracts.events.common import BundleMember, Recipient


class WaybillIssued(Event):
    """Version 2 names each order's seller (`order.seller_id`); version 1 still parses."""

    event_type: Literal["WaybillIssued"] = "WaybillIssued"
    schema_version: Literal[1, 2] = 2
    bundle_id: uuid.UUID
    courier_code: str = Field(min_length=2, max_length=16, description="e.g. CJGLS, HYUNDAI")
    tracking_number: str = Field(pattern=r"^[0-9]{8,16}$")
    recipient: Recipient
    members: tuple[BundleMember, ...] = Field(min_length=1)
