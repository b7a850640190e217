"""BundleFormed (합포): orders to one recipient sealed into one package."""

import uuid
from typing import Literal

from pydantic import AwareDatetime, Field

from packline_contracts.events.base import Event
from packline_contracts.events.common import BundleMember, Recipient


class BundleFormed(Event):
    """A sealed bundle, or (same bundle_id, higher revision) that bundle after members left it
    before allocation; a revision with no members dissolves it. Version 2 added `revision` and
    `separate_invoices` and allows an empty revision; version 3 names each member's seller
    (`order.seller_id`); version 4 lets the recipient carry the marketplace's building
    management number and road-name flag. Older messages still parse."""

    event_type: Literal["BundleFormed"] = "BundleFormed"
    schema_version: Literal[1, 2, 3, 4] = 4
    bundle_id: uuid.UUID
    recipient_key: str = Field(min_length=16, max_length=128)
    recipient: Recipient
    paid_at: AwareDatetime = Field(description="Earliest paid_at of the members")
    members: tuple[BundleMember, ...] = Field(description="Empty only in a dissolving revision")
    revision: int = Field(default=1, ge=1, description="Higher revisions replace lower ones")
    separate_invoices: bool = Field(
        default=False,
        description="Coupang boxes whose orderer or recipient differ: one invoice number each",
    )
