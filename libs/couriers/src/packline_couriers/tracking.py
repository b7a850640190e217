"""Tracking-number lengths and check digits per courier, as the couriers' numbers are seen.

Codes are the ones Coupang and Naver share. Only 롯데 (HYUNDAI) 12-digit numbers have a
known check digit (first 11 digits mod 7); 한진's seen numbers follow it too, but that is only
a warning. No check digit is invented for CJ or 우체국.
"""

import re
from dataclasses import dataclass

_NOT_DIGIT = re.compile(r"\D")


@dataclass(frozen=True)
class Courier:
    code: str
    name: str
    lengths: frozenset[int]
    mod7_lengths: frozenset[int] = frozenset()  # lengths whose last digit must be mod-7
    mod7_warn_lengths: frozenset[int] = frozenset()  # lengths where mod-7 is only expected


COURIERS: dict[str, Courier] = {
    c.code: c
    for c in (
        Courier("CJGLS", "CJ대한통운", frozenset({10, 12})),
        Courier("HYUNDAI", "롯데택배", frozenset({10, 12, 13}), mod7_lengths=frozenset({12})),
        Courier("HANJIN", "한진택배", frozenset({10, 12, 14}), mod7_warn_lengths=frozenset({12})),
        Courier("EPOST", "우체국택배", frozenset({13})),
        Courier("KGB", "로젠택배", frozenset({10, 11})),
        Courier("KDEXP", "경동택배", frozenset(range(8, 17))),
        Courier("DAESIN", "대신택배", frozenset(range(8, 17))),
        Courier("ILYANG", "일양로지스", frozenset(range(8, 17))),
        Courier("CHUNIL", "천일택배", frozenset(range(8, 17))),
    )
}


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
    if not number:
        raise InvalidTrackingNumber(f"{raw!r} has no digits")
    if len(number) not in courier.lengths:
        allowed = "/".join(str(n) for n in sorted(courier.lengths))
        raise InvalidTrackingNumber(
            f"{courier.name} ({courier.code}) numbers have {allowed} digits; {number} has {len(number)}"
        )
    warnings: list[str] = []
    if len(number) in courier.mod7_lengths | courier.mod7_warn_lengths:
        expected = check_digit_mod7(number[:-1])
        if expected != int(number[-1]):
            message = (
                f"{number}: check digit should be {expected} (first {len(number) - 1} digits mod 7)"
            )
            if len(number) in courier.mod7_lengths:
                raise InvalidTrackingNumber(message)
            warnings.append(message)
    return number, warnings
