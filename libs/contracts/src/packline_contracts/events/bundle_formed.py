"""BundleFormed (합포): orders to one recipient sealed into one package."""

import uuid
from typing import Literal

from pydantic import AwareDatetime, Field

from packline_contracts.events.base import Event
from packline_contracts.events.common import BundleMember, Recipient


class BundleFormed(Event):
    event_type: Literal["BundleFormed"] = "BundleFormed"
    schema_version: Literal[1] = 1
    bundle_id: uuid.UUID
    recipient_key: str = Field(min_length=16, max_length=128)
    recipient: Recipient
    paid_at: AwareDatetime = Field(description="Earliest paid_at of the members")
    members: tuple[BundleMember, ...] = Field(min_length=1)
