"""Normalised recipients and the keys built from them.

`recipient_key` (seller, name, building and unit) decides the Kafka partition, so orders that
may bundle meet in one partition: it is equal for every pair `compare` calls SAME and for every
REVIEW pair whose name and address agree (the 확인필요 case: only the phones differ). Phones
never enter it. `bundle_key` adds both phones: equal bundle keys bundle without a person.
"""

import hashlib
from dataclasses import dataclass, field

from packline_recipients.address import Address, parse_address
from packline_recipients.names import name_key, normalise_name
from packline_recipients.phones import normalise_phone
from packline_recipients.places import Place, parse_place


@dataclass(frozen=True)
class NormalisedRecipient:
    name: str  # display form: trimmed, whitespace folded
    address: str  # Address.key: building and unit
    phone: str  # digits (mask characters kept as `*`)
    mobile: str
    parsed: Address = field(compare=False)
    place: Place = field(compare=False)  # the parts compared (sameness.py); never a key

    @property
    def name_key(self) -> str:
        return name_key(self.name)


def normalise(
    name: str,
    address1: str,
    address2: str,
    phone: str,
    mobile: str,
    *,
    postcode: str = "",
    building_no: str = "",
    road: bool | None = None,
) -> NormalisedRecipient:
    """`building_no` and `road`: the marketplace's building management number and road-name
    flag (Naver), when it gives them; they never enter a key."""
    parsed = parse_address(address1, address2, postcode, building_no)
    return NormalisedRecipient(
        normalise_name(name),
        parsed.key,
        normalise_phone(phone),
        normalise_phone(mobile),
        parsed,
        parse_place(address1, address2, postcode, building_no, road),
    )


def _digest(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]


def recipient_key(seller_id: str, recipient: NormalisedRecipient) -> str:
    return _digest("recipient", seller_id, recipient.name_key, recipient.address)


def bundle_key(seller_id: str, recipient: NormalisedRecipient) -> str:
    return _digest(
        "bundle",
        seller_id,
        recipient.name_key,
        recipient.address,
        recipient.phone,
        recipient.mobile,
    )


def field_hashes(seller_id: str, recipient: NormalisedRecipient) -> tuple[str, str, str, str]:
    """Per-field digests (name, address, phone, mobile; "" for an empty phone), so a store can
    find recipients sharing any field without keeping the personal data in an index."""
    return (
        _digest("name", seller_id, recipient.name_key),
        _digest("address", seller_id, recipient.address),
        _digest("phone", seller_id, recipient.phone) if recipient.phone else "",
        _digest("phone", seller_id, recipient.mobile) if recipient.mobile else "",
    )
