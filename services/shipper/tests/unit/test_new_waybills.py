"""Which WaybillIssued events become parcels: replays skipped, re-issues kept, a number on two
parcels refused, a bundle that leaves as several parcels keeps each."""

import uuid

import pytest

from packline_shipper.domain.waybills import ConflictingWaybill, new_waybills

from .conftest import WaybillFactory


def test_a_replayed_waybill_is_not_recorded_twice(waybill: WaybillFactory) -> None:
    issued = waybill()

    assert new_waybills([issued, issued], recorded=set()) == [issued]
    assert new_waybills([issued], recorded={(issued.parcel_id, issued.tracking_number)}) == []


def test_a_new_number_for_a_known_parcel_is_a_reissue(waybill: WaybillFactory) -> None:
    issued = waybill(tracking_number="300000000006")

    assert new_waybills([issued], recorded={(issued.parcel_id, "300000000013")}) == [issued]


def test_a_number_already_on_another_parcel_is_refused(waybill: WaybillFactory) -> None:
    issued = waybill(tracking_number="300000000006")

    with pytest.raises(ConflictingWaybill, match="already belongs to parcel"):
        new_waybills([issued], recorded={(uuid.uuid4(), "300000000006")})


def test_the_parcels_of_one_bundle_are_each_recorded(waybill: WaybillFactory) -> None:
    first = waybill(tracking_number="300000000006")
    second = first.model_copy(update={"parcel_id": uuid.uuid4(), "tracking_number": "300000000013"})

    assert new_waybills([first, second], recorded=set()) == [first, second]
    recorded = {(first.parcel_id, first.tracking_number)}
    assert new_waybills([first, second], recorded=recorded) == [second]
