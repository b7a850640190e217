"""CancellationDecided: the shipper's one answer to an OrderCancelled (see docs/adr/0003)."""

from typing import Literal

from pydantic import Field, field_validator

from packline_contracts.events.base import Event
from packline_contracts.events.common import OrderRef
from packline_contracts.events.order_cancelled import CancelledLine

CancellationOutcome = Literal["CANCELLED", "TOO_LATE"]


class CancellationDecided(Event):
    """Decided under the parcel's row lock, so a scan and a cancel never both win.

    `CANCELLED`: the order (or, with `lines`, those units of it) will never ship: its parcel is
    stopped or marked, or it has none and any later parcel is marked at birth. `TOO_LATE`: its
    parcel had already shipped, with everything in it; the cancellation becomes a return/CS case
    (반품) for a person. Keyed by the order's recipient_key, like the OrderCancelled it answers
    (its `causation_id`). Version 2 answers partial cancellations too: `lines` are the units the
    OrderCancelled named; absent, as in version 1 (which still parses), the whole order."""

    event_type: Literal["CancellationDecided"] = "CancellationDecided"
    schema_version: Literal[1, 2] = 2
    order: OrderRef
    recipient_key: str = Field(min_length=16, max_length=128)
    outcome: CancellationOutcome
    tracking_number: str | None = Field(
        default=None, max_length=64, description="The shipped parcel, when TOO_LATE"
    )
    lines: tuple[CancelledLine, ...] | None = Field(
        default=None, description="Units decided per line (a partial cancel); absent = the order"
    )

    @field_validator("lines")
    @classmethod
    def _none_when_empty(
        cls, lines: tuple[CancelledLine, ...] | None
    ) -> tuple[CancelledLine, ...] | None:
        return lines or None

    @property
    def is_partial(self) -> bool:
        return self.lines is not None
