"""Tracking numbers made from a number band: check digits, padding, band limits."""

import pytest

from packline_couriers import validate_tracking_number
from packline_waybill.domain.numbers import BandExhausted, BandMisconfigured, NumberBand


def test_lotte_number_is_the_serial_followed_by_its_mod7_check_digit() -> None:
    band = NumberBand("HYUNDAI", 30_000_000_000, 30_999_999_999)

    number = band.tracking_number(30_000_000_012)

    assert number == "30000000012" + str(30_000_000_012 % 7)
    assert validate_tracking_number("HYUNDAI", number) == (number, [])


def test_every_lotte_number_of_a_stretch_passes_the_courier_rules() -> None:
    band = NumberBand("HYUNDAI", 30_000_000_000, 30_999_999_999)

    for serial in range(band.start, band.start + 50):
        number = band.tracking_number(serial)
        assert len(number) == 12
        assert validate_tracking_number("HYUNDAI", number) == (number, [])


def test_cj_number_without_check_digit_is_the_serial_zero_padded_to_12_digits() -> None:
    band = NumberBand("CJGLS", 5_000_000_000, 5_000_009_999)

    assert band.tracking_number(5_000_000_001) == "005000000001"


def test_hanjin_numbers_carry_the_mod7_digit_so_they_raise_no_warning() -> None:
    band = NumberBand("HANJIN", 10_000_000_000, 10_000_000_100)

    number = band.tracking_number(10_000_000_003)

    assert validate_tracking_number("HANJIN", number) == (number, [])


def test_serial_outside_the_band_is_refused() -> None:
    band = NumberBand("HYUNDAI", 30_000_000_000, 30_000_000_009)

    with pytest.raises(ValueError, match="outside band"):
        band.tracking_number(30_000_000_010)


@pytest.mark.parametrize(
    ("courier", "start", "end", "message"),
    [
        ("LOTTE", 1, 2, "unknown courier code 'LOTTE'"),
        ("EPOST", 1, 2, "does not use 12-digit numbers"),
        ("HYUNDAI", 5, 4, "start <= end"),
        ("HYUNDAI", 1, 100_000_000_000, "11-digit serials"),
    ],
)
def test_band_that_cannot_yield_valid_numbers_is_rejected_at_configuration(
    courier: str, start: int, end: int, message: str
) -> None:
    with pytest.raises(BandMisconfigured, match=message):
        NumberBand(courier, start, end)


def test_exhausted_band_error_names_courier_band_and_what_is_left() -> None:
    band = NumberBand("HYUNDAI", 30_000_000_000, 30_000_000_009)

    error = band.exhausted(needed=5, next_serial=30_000_000_008)

    assert isinstance(error, BandExhausted)
    assert "HYUNDAI 30000000000..30000000009" in str(error)
    assert "5 number(s) needed, 2 left" in str(error)
