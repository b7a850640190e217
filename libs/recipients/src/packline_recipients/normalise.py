"""Normalised forms of recipient name, address and phones, and the keys built from them.

`recipient_key` (seller, name, address) decides the Kafka partition, so every order that might
bundle together meets in one partition; `bundle_key` adds both phones: equal keys bundle.
"""

import hashlib
import re
import unicodedata
from dataclasses import dataclass

_SPACES = re.compile(r"\s+")
_NOT_DIGIT = re.compile(r"\D")
# punctuation that varies between marketplaces without changing the place
_ADDRESS_PUNCTUATION = re.compile(r"[,.·\-_/#()\[\]]")

_PROVINCES = {
    "서울특별시": "서울",
    "서울시": "서울",
    "부산광역시": "부산",
    "부산시": "부산",
    "대구광역시": "대구",
    "대구시": "대구",
    "인천광역시": "인천",
    "인천시": "인천",
    "광주광역시": "광주",
    "대전광역시": "대전",
    "대전시": "대전",
    "울산광역시": "울산",
    "울산시": "울산",
    "세종특별자치시": "세종",
    "세종시": "세종",
    "경기도": "경기",
    "강원도": "강원",
    "강원특별자치도": "강원",
    "충청북도": "충북",
    "충청남도": "충남",
    "전라북도": "전북",
    "전북특별자치도": "전북",
    "전라남도": "전남",
    "경상북도": "경북",
    "경상남도": "경남",
    "제주특별자치도": "제주",
    "제주도": "제주",
}


def normalise_name(name: str) -> str:
    """Trim and fold whitespace; Hangul is kept as is (NFC)."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", name)).strip()


def normalise_address(address1: str, address2: str = "") -> str:
    """Province aliases, case, spacing and punctuation folded; the words themselves kept."""
    text = unicodedata.normalize("NFC", f"{address1} {address2}")
    words = _SPACES.sub(" ", text).strip().split(" ")
    if words and words[0] in _PROVINCES:
        words[0] = _PROVINCES[words[0]]
    joined = "".join(words).lower()
    return _ADDRESS_PUNCTUATION.sub("", joined)


def normalise_phone(phone: str) -> str:
    """Digits only; +82 country prefix turned back into the domestic 0."""
    digits = _NOT_DIGIT.sub("", phone)
    if digits.startswith("82") and len(digits) in (11, 12):
        digits = "0" + digits[2:]
    return digits


@dataclass(frozen=True)
class NormalisedRecipient:
    name: str
    address: str
    phone: str
    mobile: str


def normalise(
    name: str, address1: str, address2: str, phone: str, mobile: str
) -> NormalisedRecipient:
    return NormalisedRecipient(
        normalise_name(name),
        normalise_address(address1, address2),
        normalise_phone(phone),
        normalise_phone(mobile),
    )


def _digest(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]


def recipient_key(seller_id: str, recipient: NormalisedRecipient) -> str:
    return _digest("recipient", seller_id, recipient.name, recipient.address)


def bundle_key(seller_id: str, recipient: NormalisedRecipient) -> str:
    return _digest(
        "bundle", seller_id, recipient.name, recipient.address, recipient.phone, recipient.mobile
    )
