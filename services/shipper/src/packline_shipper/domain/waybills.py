"""Which issued waybills become new parcels: one number per bundle, one bundle per number."""

import uuid
from collections.abc import Sequence, Set

from packline_contracts import WaybillIssued

Recorded = Set[tuple[uuid.UUID, str]]  # (bundle_id, tracking_number) pairs already parcels


class ConflictingWaybill(ValueError):
    """A bundle with two numbers, or a number on two bundles: someone must void one of them."""


def new_waybills(events: Sequence[WaybillIssued], recorded: Recorded) -> list[WaybillIssued]:
    """The waybills not recorded yet, each once. A replay is skipped; a contradiction raises."""
    number_of = {bundle_id: number for bundle_id, number in recorded}
    bundle_of = {number: bundle_id for bundle_id, number in recorded}
    fresh: dict[str, WaybillIssued] = {}
    for event in events:
        number = number_of.setdefault(event.bundle_id, event.tracking_number)
        bundle_id = bundle_of.setdefault(event.tracking_number, event.bundle_id)
        if number != event.tracking_number:
            raise ConflictingWaybill(
                f"bundle {event.bundle_id} already has parcel {number}; WaybillIssued "
                f"{event.event_id} brings a second number {event.tracking_number}"
            )
        if bundle_id != event.bundle_id:
            raise ConflictingWaybill(
                f"tracking number {number} already belongs to bundle {bundle_id}; WaybillIssued "
                f"{event.event_id} gives it to bundle {event.bundle_id}"
            )
        if (event.bundle_id, number) not in recorded:
            fresh.setdefault(number, event)
    return list(fresh.values())
