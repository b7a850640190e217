"""A scan of several labels: normalised, checked as a whole, every bad number named."""

from packline_shipper.domain.parcel import Parcel
from packline_shipper.domain.scan import check_scan, normalise_scan

from .conftest import NOW, WaybillFactory


def test_scanned_numbers_are_stripped_to_digits_and_counted_once() -> None:
    numbers, problems = normalise_scan(["3000-0000-0006", " 300000000006 ", "300000000013"])

    assert numbers == ["300000000006", "300000000013"]
    assert problems == []


def test_a_scan_without_digits_is_a_problem_naming_what_was_scanned() -> None:
    _, problems = normalise_scan(["--"])

    assert [p.tracking_number for p in problems] == ["--"]
    assert "no digits" in problems[0].reason


def test_every_unknown_and_stopped_number_is_reported_with_its_reason(
    waybill: WaybillFactory,
) -> None:
    ready = Parcel.from_waybill(waybill(tracking_number="300000000006"), set())
    stopped = Parcel.from_waybill(waybill(tracking_number="300000000013"), {"s1:NAVER:1"})
    parcels = {p.tracking_number: p for p in (ready, stopped)}

    problems = check_scan(["300000000006", "300000000013", "999999999999"], parcels)

    reasons = {p.tracking_number: p.reason for p in problems}
    assert set(reasons) == {"300000000013", "999999999999"}
    assert reasons["300000000013"].startswith("출고 중지")
    assert reasons["999999999999"].startswith("unknown")


def test_already_shipped_numbers_are_not_problems(waybill: WaybillFactory) -> None:
    shipped = Parcel.from_waybill(waybill(), set())
    shipped.ship("scanner-1", NOW)

    assert check_scan([shipped.tracking_number], {shipped.tracking_number: shipped}) == []
