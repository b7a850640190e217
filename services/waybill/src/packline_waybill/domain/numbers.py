"""송장번호 (tracking numbers) made from a courier's number band: an 11-digit serial, then the
courier's check digit where it has one (롯데 12-digit: serial mod 7), else zero-padded to 12."""

from dataclasses import dataclass

from packline_couriers import (
    COURIERS,
    InvalidTrackingNumber,
    check_digit_mod7,
    validate_tracking_number,
)

SERIAL_DIGITS = 11
ISSUED_LENGTH = 12  # what 롯데, CJ대한통운 and 한진 print on their labels
MAX_SERIAL = 10**SERIAL_DIGITS - 1


class BandMisconfigured(ValueError):
    """The configured band cannot yield numbers this courier could have issued."""


class BandExhausted(RuntimeError):
    """Every serial of the band has been used; the message names courier and band."""


@dataclass(frozen=True)
class NumberBand:
    """A range of serials a courier assigned to the seller (inclusive at both ends)."""

    courier_code: str
    start: int
    end: int

    def __post_init__(self) -> None:
        courier = COURIERS.get(self.courier_code)
        if courier is None:
            known = ", ".join(sorted(COURIERS))
            raise BandMisconfigured(
                f"unknown courier code {self.courier_code!r}; use one of {known}"
            )
        if ISSUED_LENGTH not in courier.lengths:
            raise BandMisconfigured(
                f"{courier.name} ({courier.code}) does not use {ISSUED_LENGTH}-digit numbers; "
                "Packline issues only those"
            )
        if not 0 <= self.start <= self.end <= MAX_SERIAL:
            raise BandMisconfigured(
                f"band {self.start}..{self.end} must be {SERIAL_DIGITS}-digit serials, start <= end"
            )

    def __str__(self) -> str:
        return f"{self.courier_code} {self.start:011d}..{self.end:011d}"

    @property
    def size(self) -> int:
        return self.end - self.start + 1

    def tracking_number(self, serial: int) -> str:
        """The printed number for one serial; always one the courier's rules accept."""
        if not self.start <= serial <= self.end:
            raise ValueError(f"serial {serial} is outside band {self}")
        return tracking_number(self.courier_code, serial)

    def exhausted(self, needed: int, next_serial: int | None) -> BandExhausted:
        left = 0 if next_serial is None else max(0, self.end - next_serial + 1)
        return BandExhausted(
            f"tracking-number band {self} is exhausted: {needed} number(s) needed, {left} left; "
            "ask the courier for a new band and set PACKLINE_WAYBILL_BAND_START/_END"
        )


def tracking_number(courier_code: str, serial: int) -> str:
    if not 0 <= serial <= MAX_SERIAL:
        raise ValueError(f"serial {serial} has more than {SERIAL_DIGITS} digits")
    courier = COURIERS[courier_code]
    body = f"{serial:0{SERIAL_DIGITS}d}"
    if ISSUED_LENGTH in courier.check_digit_lengths:
        number = f"{body}{check_digit_mod7(body)}"
    else:  # no check digit is known for this courier: do not invent one
        number = body.zfill(ISSUED_LENGTH)
    validated, warnings = validate_tracking_number(courier_code, number)
    if validated != number or warnings:
        raise InvalidTrackingNumber(f"generated {number} for {courier_code} fails: {warnings}")
    return number
