"""Tracking-number rules per courier."""

import pytest

from packline_couriers import InvalidTrackingNumber, check_digit_mod7, validate_tracking_number


def lotte(serial: str) -> str:
    return serial + str(check_digit_mod7(serial))


def test_lotte_twelve_digit_numbers_need_the_mod7_check_digit() -> None:
    good = lotte("30000000001")
    assert validate_tracking_number("HYUNDAI", good) == (good, [])
    bad = good[:-1] + str((int(good[-1]) + 1) % 10)
    with pytest.raises(InvalidTrackingNumber, match="check digit"):
        validate_tracking_number("HYUNDAI", bad)


def test_hanjin_mod7_mismatch_only_warns() -> None:
    number = "300000000010" if check_digit_mod7("30000000001") != 0 else "300000000011"
    normalised, warnings = validate_tracking_number("HANJIN", number)
    assert normalised == number and warnings


def test_cj_has_no_invented_check_digit() -> None:
    assert validate_tracking_number("CJGLS", "6012-3456-7890") == ("601234567890", [])


def test_wrong_length_names_the_courier_and_lengths() -> None:
    with pytest.raises(
        InvalidTrackingNumber, match="우체국택배 \\(EPOST\\) numbers have 13 digits"
    ):
        validate_tracking_number("EPOST", "12345")


def test_excel_exponent_form_is_refused_with_advice() -> None:
    with pytest.raises(InvalidTrackingNumber, match="Excel"):
        validate_tracking_number("CJGLS", "5.21853E+11")


def test_unknown_courier_lists_the_known_codes() -> None:
    with pytest.raises(InvalidTrackingNumber, match=r"LOTTE.*CJGLS"):
        validate_tracking_number("LOTTE", "123456789012")
