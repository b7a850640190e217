"""Which issued waybills become new parcels: one bundle per number; a bundle gets a new number
only when the waybill stage re-issues it (배송지 변경), which voids its earlier parcel."""

import uuid
from collections.abc import Sequence, Set

from packline_contracts import WaybillIssued

Recorded = Set[tuple[uuid.UUID, str]]  # (bundle_id, tracking_number) pairs already parcels


class ConflictingWaybill(ValueError):
    """A number on two bundles: someone must void one of them."""


def new_waybills(events: Sequence[WaybillIssued], recorded: Recorded) -> list[WaybillIssued]:
    """The waybills not recorded yet, each once, in arrival order. A replay is skipped; a new
    number for a known bundle is a re-issue; a number on two bundles raises."""
    bundle_of = {number: bundle_id for bundle_id, number in recorded}
    fresh: dict[str, WaybillIssued] = {}
    for event in events:
        number = event.tracking_number
        bundle_id = bundle_of.setdefault(number, event.bundle_id)
        if bundle_id != event.bundle_id:
            raise ConflictingWaybill(
                f"tracking number {number} already belongs to bundle {bundle_id}; WaybillIssued "
                f"{event.event_id} gives it to bundle {event.bundle_id}"
            )
        if (event.bundle_id, number) not in recorded:
            fresh.setdefault(number, event)
    return list(fresh.values())
