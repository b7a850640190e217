"""Numbers come from each courier's range with its check digit; sorting is deterministic."""

import pytest

from packline_couriers import validate_tracking_number
from packline_couriersim.numbers import RULES, issue
from packline_couriersim.sorting import AddressProblem, Sorting, sort


@pytest.mark.parametrize("courier", sorted(RULES))
def test_issued_numbers_pass_packline_rules_without_warnings(courier: str) -> None:
    issued = [issue(courier, serial) for serial in (0, 1, 6, 7, 123_456)]
    for number in issued:
        normalised, warnings = validate_tracking_number(courier, number)
        assert (normalised, warnings) == (number, [])
    assert len(set(issued)) == len(issued)


def test_cj_check_digit_is_digits_three_to_eleven_mod_7() -> None:
    for serial in range(20):
        number = issue("CJGLS", serial)
        assert len(number) == 12
        assert int(number[-1]) == int(number[2:11]) % 7


def test_lotte_and_hanjin_check_digit_is_first_eleven_mod_7() -> None:
    for courier in ("HYUNDAI", "HANJIN"):
        number = issue(courier, 5)
        assert int(number[-1]) == int(number[:11]) % 7


def test_same_address_sorts_the_same_and_spacing_does_not_matter() -> None:
    first = sort("06236", "서울특별시 강남구 테헤란로 152")
    again = sort("06236", "서울특별시  강남구 테헤란로152")
    assert isinstance(first, Sorting)
    assert first == again
    assert first.terminal == "T01"  # 서울
    assert first.branch.startswith("06")


def test_unknown_and_malformed_postcodes_are_problems_not_codes() -> None:
    unknown = sort("64000", "어딘가 1")
    assert isinstance(unknown, AddressProblem) and unknown.code == "UNKNOWN_POSTCODE"
    six_digit = sort("135-080", "서울 강남구 역삼동 1")
    assert isinstance(six_digit, AddressProblem) and six_digit.code == "INVALID_POSTCODE"
    arabic_digits = sort("٠٦٢٣٦", "서울 강남구 테헤란로 152")
    assert isinstance(arabic_digits, AddressProblem) and arabic_digits.code == "INVALID_POSTCODE"
    empty = sort("06236", "  ")
    assert isinstance(empty, AddressProblem) and empty.code == "INVALID_ADDRESS"
