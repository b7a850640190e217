"""Tracking-number (송장번호) rules per courier, as the couriers' numbers are seen.

Lengths come from what Coupang checks on upload. 롯데 (HYUNDAI) 12-digit numbers and 한진's
seen numbers end in a mod-7 check digit; a mismatch is only a warning (domain.md: warn, never
reject). No check digit is invented for CJ, 로젠 or 우체국.
"""

import re

from packline_couriers.couriers import COURIERS

_NOT_DIGIT = re.compile(r"\D")


class InvalidTrackingNumber(ValueError):
    """A tracking number that the courier cannot have issued; the message says why."""


def check_digit_mod7(first_digits: str) -> int:
    return int(first_digits) % 7


def normalise_tracking_number(raw: str) -> str:
    """Strip spaces and hyphens; numbers stay text (leading zeros matter)."""
    return _NOT_DIGIT.sub("", raw.strip())


def validate_tracking_number(courier_code: str, raw: str) -> tuple[str, list[str]]:
    """The normalised number and any warnings; raises InvalidTrackingNumber when impossible."""
    courier = COURIERS.get(courier_code)
    if courier is None:
        raise InvalidTrackingNumber(
            f"unknown courier code {courier_code!r}; use one of {', '.join(sorted(COURIERS))}"
        )
    if re.search(r"[eE][+-]?\d", raw):
        raise InvalidTrackingNumber(
            f"{raw!r} looks like a number Excel turned into exponent form; format the column as text"
        )
    number = normalise_tracking_number(raw)
    if not courier.tracked:
        raise InvalidTrackingNumber(
            f"{courier.name} ({courier.code}) delivers without a courier: no tracking number"
        )
    if not number:
        raise InvalidTrackingNumber(f"{raw!r} has no digits")
    if len(number) not in courier.lengths:
        allowed = "/".join(str(n) for n in sorted(courier.lengths))
        raise InvalidTrackingNumber(
            f"{courier.name} ({courier.code}) numbers have {allowed} digits; {number} has {len(number)}"
        )
    warnings: list[str] = []
    if len(number) in courier.check_digit_lengths:
        expected = check_digit_mod7(number[:-1])
        if expected != int(number[-1]):
            warnings.append(
                f"{number}: check digit should be {expected} (first {len(number) - 1} digits mod 7)"
            )
    return number, warnings
