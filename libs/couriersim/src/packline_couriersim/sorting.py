"""Sorting codes (분류코드) from a postcode and an address, as a courier's address API gives them.

Deterministic: the same postcode and address always sort the same way. The terminal follows the
province (the postcode's first two digits since 2015-08-01); branch, zone and the printed sort
code come from a hash of the postcode and the address with spacing removed. Some branches
answer `null` for the zone, as real APIs leave optional fields empty.
"""

import hashlib
import re
from dataclasses import dataclass

# first two postcode digits → (terminal code, province)
_PROVINCES: list[tuple[range, str, str]] = [
    (range(1, 10), "T01", "서울"),
    (range(10, 21), "T10", "경기"),
    (range(21, 24), "T21", "인천"),
    (range(24, 27), "T24", "강원"),
    (range(27, 30), "T27", "충북"),
    (range(30, 31), "T30", "세종"),
    (range(31, 34), "T31", "충남"),
    (range(34, 36), "T34", "대전"),
    (range(36, 41), "T36", "경북"),
    (range(41, 44), "T41", "대구"),
    (range(44, 46), "T44", "울산"),
    (range(46, 50), "T46", "부산"),
    (range(50, 54), "T50", "경남"),
    (range(54, 57), "T54", "전북"),
    (range(57, 61), "T57", "전남"),
    (range(61, 63), "T61", "광주"),
    (range(63, 64), "T63", "제주"),
]
_FIVE_DIGITS = re.compile(r"[0-9]{5}")
_SPACE = re.compile(r"\s+")
_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"


@dataclass(frozen=True)
class Sorting:
    sort_code: str
    terminal: str
    branch: str
    zone: str | None


@dataclass(frozen=True)
class AddressProblem:
    code: str
    message: str


def sort(postcode: str, address: str) -> Sorting | AddressProblem:
    if not _FIVE_DIGITS.fullmatch(postcode):
        return AddressProblem(
            "INVALID_POSTCODE", f"우편번호는 5자리 숫자여야 합니다 (받은 값: {postcode[:10]!r})."
        )
    prefix = int(postcode[:2])
    found = next((p for p in _PROVINCES if prefix in p[0]), None)
    if found is None:
        return AddressProblem("UNKNOWN_POSTCODE", "존재하지 않는 우편번호입니다.")
    if not address.strip():
        return AddressProblem("INVALID_ADDRESS", "주소가 비어 있습니다.")
    digest = hashlib.sha256(f"{postcode}|{_SPACE.sub('', address)}".encode()).digest()
    terminal = found[1]
    branch = f"{prefix:02d}{digest[0] % 100:02d}"
    zone = None if digest[1] % 5 == 0 else f"{digest[2] % 40 + 1:02d}"
    sort_code = f"{digest[3] % 9 + 1}{_LETTERS[digest[4] % len(_LETTERS)]}{digest[5] % 90 + 10}-{digest[6] % 9 + 1}"
    return Sorting(sort_code=sort_code, terminal=terminal, branch=branch, zone=zone)


def normalised(address: str) -> str:
    """How a scripted rejection matches an address: spacing removed."""
    return _SPACE.sub("", address)
