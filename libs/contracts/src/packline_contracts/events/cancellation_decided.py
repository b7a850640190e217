"""CancellationDecided: the shipper's one answer to an OrderCancelled (see docs/adr/0003)."""

from typing import Literal

from pydantic import Field

from packline_contracts.events.base import Event
from packline_contracts.events.common import OrderRef

CancellationOutcome = Literal["CANCELLED", "TOO_LATE"]


class CancellationDecided(Event):
    """Decided under the parcel's row lock, so a scan and a cancel never both win.

    `CANCELLED`: the order will never ship (its parcel is stopped or marked, or it has none and
    any later parcel is marked at birth). `TOO_LATE`: its parcel had already shipped; the order
    stays shipped and the cancellation becomes a return/CS case (반품) for a person.
    Keyed by the order's recipient_key, like the OrderCancelled it answers."""

    event_type: Literal["CancellationDecided"] = "CancellationDecided"
    schema_version: Literal[1] = 1
    order: OrderRef
    recipient_key: str = Field(min_length=16, max_length=128)
    outcome: CancellationOutcome
    tracking_number: str | None = Field(
        default=None, max_length=64, description="The shipped parcel, when TOO_LATE"
    )
