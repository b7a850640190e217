"""Phone numbers: digits only, safe numbers (안심번호, 050x) and masked numbers recognised."""

import re

_NOT_DIGIT = re.compile(r"\D")
_MASK = re.compile(r"[*＊●xX]")


def normalise_phone(phone: str) -> str:
    """Digits only; +82 country prefix turned back into the domestic 0. A masked number
    (`0503-**-5464`) keeps its mask characters as `*`, since its digits alone would lie."""
    if _MASK.search(phone):
        return _MASK.sub("*", re.sub(r"[^0-9*＊●xX]", "", phone))
    digits = _NOT_DIGIT.sub("", phone)
    if digits.startswith("82") and len(digits) in (11, 12):
        digits = "0" + digits[2:]
    return digits


def is_masked_phone(normalised: str) -> bool:
    return "*" in normalised


def is_safe_number(normalised: str) -> bool:
    """A marketplace's 안심번호 (0502…0508, 11–12 digits): it changes per order, even between
    the orderer and receiver of one order, so a different one proves nothing."""
    return normalised.startswith("050") and len(normalised) in (11, 12)


def is_mobile(normalised: str) -> bool:
    return normalised.startswith("01") and len(normalised) in (10, 11)
