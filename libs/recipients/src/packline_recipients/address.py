"""Korean addresses (주소) read into region, building number, unit (동/호) and postcode.

A road-name address (…로/길 12) and a lot-number address (…동/리 29) of one building cannot be
told apart from the text alone; `kind` says which form was written so the comparer can say
"cannot tell" instead of "different". Parenthesised notes `(역삼동, OO아파트)` never count.
"""

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

from packline_recipients.provinces import PROVINCES

AddressKind = Literal["ROAD", "LOT", "UNKNOWN"]

_NOTES = re.compile(r"\([^)]*\)|\[[^\]]*\]|\{[^}]*\}")
_SEPARATORS = re.compile(r"[\s,·/]+")
_PUNCTUATION = re.compile(r"[^0-9a-z가-힣\-]")
_ROAD = re.compile(r"^([가-힣][가-힣0-9]*(?:로|길))(\d+(?:-\d+)?)?$")
_LOT = re.compile(r"^([가-힣][가-힣0-9]*(?:동|리|가))((?:산)?\d+(?:-\d+)?)?$")
_NUMBER = re.compile(r"^(?:산)?\d+(?:-\d+)?(?:번지)?$")
_DONG_HO = re.compile(r"(?:^|\s)([0-9]+|[a-z]|[가-힣])\s*동\s*([0-9]+)\s*(?:호|(?=\s|$))")
_DASH_UNIT = re.compile(r"(?:^|\s)([0-9]{1,4})\s*-\s*([0-9]{1,5})\s*호?(?=\s|$)")
_HO = re.compile(r"(?:^|\s)(b?[0-9]+)\s*호")


@dataclass(frozen=True)
class Address:
    region: str  # province alias + districts + street or neighbourhood, folded
    number: str  # building or lot number: "123", "123-4", "산12"
    kind: AddressKind
    unit: str  # "109-1203" (동-호), "1203" (호), or the folded rest of the detail
    unit_structured: bool  # unit came from a 동/호 pattern, not free text
    postcode: str  # 5 or 6 digits, or "" when absent or malformed
    building_no: str  # building management number (건물관리번호) when the marketplace gives one

    @property
    def key(self) -> str:
        """Equal keys: the same building and unit written the same way (form aside)."""
        return f"{self.region}{self.number}|{self.unit}"


def _clean(text: str) -> str:
    text = unicodedata.normalize("NFC", unicodedata.normalize("NFKC", text)).lower()
    return _NOTES.sub(" ", text)


def _fold(text: str) -> str:
    return _PUNCTUATION.sub("", text).strip("-")


def normalise_postcode(postcode: str) -> str:
    digits = re.sub(r"\D", "", postcode)
    return digits if len(digits) in (5, 6) else ""


_DISTRICT_SUFFIX = re.compile(r"^([가-힣]{2,})(?:시|군|구)$")


def _district(word: str) -> str:
    """`강남구` and `강남` are one district; two-letter names (`중구`) keep their suffix."""
    match = _DISTRICT_SUFFIX.match(word)
    return match.group(1) if match else word


def _split_base(words: list[str]) -> tuple[list[str], str, AddressKind, list[str]]:
    """(region words, number, kind, words after the number); the first street wins."""
    forms: tuple[tuple[AddressKind, re.Pattern[str]], ...] = (("ROAD", _ROAD), ("LOT", _LOT))
    for kind, pattern in forms:
        for i, word in enumerate(words[1:], start=1):
            match = pattern.match(word)
            if not match:
                continue
            if match.group(2):  # "테헤란로123": street and number written together
                return [*words[:i], match.group(1)], match.group(2), kind, words[i + 1 :]
            if i + 1 < len(words) and _NUMBER.match(words[i + 1]):
                number = words[i + 1].removesuffix("번지")
                return words[: i + 1], number, kind, words[i + 2 :]
    return words, "", "UNKNOWN", []


def _unit(detail: str) -> tuple[str, bool]:
    detail = re.sub(r"(?:^|(?<=\s))제\s*(?=[0-9])", "", detail)
    for pattern in (_DONG_HO, _DASH_UNIT):
        match = pattern.search(detail)
        if match:
            return f"{match.group(1)}-{int(match.group(2))}", True
    match = _HO.search(detail)
    if match:
        return match.group(1), True
    return _fold(detail.replace(" ", "")), False


def parse_address(
    address1: str, address2: str = "", postcode: str = "", building_no: str = ""
) -> Address:
    words = [w for w in _SEPARATORS.split(_clean(address1)) if w]
    if words and words[0] in PROVINCES:
        words[0] = PROVINCES[words[0]]
    region, number, kind, rest = _split_base(words)
    if len(region) > 2:  # province … street: only the districts between lose 시/군/구
        region = [region[0], *map(_district, region[1:-1]), region[-1]]
    detail = " ".join([*rest, *_SEPARATORS.split(_clean(address2))]).strip()
    unit, structured = _unit(detail)
    return Address(
        region=_fold("".join(region)),
        number=number,
        kind=kind,
        unit=unit,
        unit_structured=structured,
        postcode=normalise_postcode(postcode),
        building_no=re.sub(r"\D", "", building_no),
    )


def normalise_address(address1: str, address2: str = "") -> str:
    """The comparison key of an address: province aliases, spacing, punctuation, notes and
    unit forms (`109동 1203호`, `109-1203`, `109동1203호`) folded."""
    return parse_address(address1, address2).key
