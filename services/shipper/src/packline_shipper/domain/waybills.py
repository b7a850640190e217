"""Which issued waybills become new parcels: one parcel per number; a parcel gets a new number
only when the waybill stage re-issues it (배송지 변경, a replaced number), which voids its earlier
number here. A bundle may leave as several parcels (separate invoices)."""

import uuid
from collections.abc import Sequence, Set

from packline_contracts import WaybillIssued

Recorded = Set[tuple[uuid.UUID, str]]  # (parcel_id, tracking_number) pairs already recorded


class ConflictingWaybill(ValueError):
    """A number on two parcels: someone must void one of them."""


def new_waybills(events: Sequence[WaybillIssued], recorded: Recorded) -> list[WaybillIssued]:
    """The waybills not recorded yet, each once, in arrival order. A replay is skipped; a new
    number for a known parcel is a re-issue; a number on two parcels raises."""
    parcel_of = {number: parcel_id for parcel_id, number in recorded}
    fresh: dict[str, WaybillIssued] = {}
    for event in events:
        number = event.tracking_number
        parcel_id = parcel_of.setdefault(number, event.parcel_id)
        if parcel_id != event.parcel_id:
            raise ConflictingWaybill(
                f"tracking number {number} already belongs to parcel {parcel_id}; WaybillIssued "
                f"{event.event_id} gives it to parcel {event.parcel_id}"
            )
        if (event.parcel_id, number) not in recorded:
            fresh.setdefault(number, event)
    return list(fresh.values())
