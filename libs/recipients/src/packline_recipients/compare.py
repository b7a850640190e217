"""Are two recipients one door? SAME bundles without a person, REVIEW asks one (확인필요),
DIFFERENT keeps the orders apart. Every verdict says which fields agree and which differ.

The seller's rule (합포): name, address, phone and mobile all equal → one box; name and address
equal but a phone differs, or two of the four fields equal → a person decides; so does one
equal field when nothing contradicts it. Evidence that
proves nothing is never read as a difference: a masked name (`신*희`), a masked number, a
different 안심번호 (050x, new for every order), a road-name address against a lot-number one.
"""

from dataclasses import dataclass
from enum import StrEnum

from packline_recipients.address import Address
from packline_recipients.names import is_masked, masked_compatible
from packline_recipients.normalise import NormalisedRecipient
from packline_recipients.phones import is_masked_phone, is_safe_number


class Outcome(StrEnum):
    SAME = "SAME"
    DIFFERENT = "DIFFERENT"
    REVIEW = "REVIEW"


class Agreement(StrEnum):
    EQUAL = "EQUAL"
    EMPTY = "EMPTY"  # both sides left it blank (phones only)
    MISSING = "MISSING"  # one side blank
    WEAK = "WEAK"  # differs, but only by numbers that prove nothing (안심번호)
    UNCERTAIN = "UNCERTAIN"  # cannot tell from the data (masked, road vs lot form)
    DIFFERENT = "DIFFERENT"


@dataclass(frozen=True)
class FieldComparison:
    field: str  # name, address, phone, mobile
    agreement: Agreement
    why: str  # never the values themselves: verdicts may be logged


@dataclass(frozen=True)
class Verdict:
    outcome: Outcome
    fields: tuple[FieldComparison, ...]

    def agreement(self, field: str) -> Agreement:
        return next(f.agreement for f in self.fields if f.field == field)


def _names(a: str, b: str) -> FieldComparison:
    if is_masked(a) or is_masked(b):
        if masked_compatible(a, b):
            return FieldComparison("name", Agreement.UNCERTAIN, "masked name fits the other")
        return FieldComparison("name", Agreement.DIFFERENT, "masked name cannot be the other")
    if a.replace(" ", "").casefold() == b.replace(" ", "").casefold():
        return FieldComparison("name", Agreement.EQUAL, "same name")
    return FieldComparison("name", Agreement.DIFFERENT, "different names")


def _units(a: Address, b: Address) -> FieldComparison:
    if a.unit == b.unit:
        return FieldComparison("address", Agreement.EQUAL, "same building and unit")
    if not a.unit or not b.unit:
        return FieldComparison("address", Agreement.UNCERTAIN, "unit given on one side only")
    if a.unit_structured and b.unit_structured:
        ho_a, ho_b = a.unit.rsplit("-", 1)[-1], b.unit.rsplit("-", 1)[-1]
        if ho_a == ho_b and ("-" in a.unit) != ("-" in b.unit):
            return FieldComparison("address", Agreement.UNCERTAIN, "same 호, 동 on one side only")
        return FieldComparison("address", Agreement.DIFFERENT, "same building, different unit")
    return FieldComparison("address", Agreement.UNCERTAIN, "unit details written differently")


def _addresses(a: Address, b: Address) -> FieldComparison:
    if a.building_no and b.building_no:
        if a.building_no != b.building_no:
            return FieldComparison("address", Agreement.DIFFERENT, "building numbers differ")
        unit = _units(a, b)
        if unit.agreement is Agreement.EQUAL and (a.region, a.number) != (b.region, b.number):
            # one building written two ways: the keys differ, so a person confirms it
            return FieldComparison(
                "address", Agreement.UNCERTAIN, "same building number, written differently"
            )
        return unit
    postcodes_clash = len(a.postcode) == len(b.postcode) == 5 and a.postcode != b.postcode
    if (a.region, a.number) == (b.region, b.number) and a.number:
        unit = _units(a, b)
        if postcodes_clash and unit.agreement is Agreement.EQUAL:
            return FieldComparison("address", Agreement.UNCERTAIN, "same text, postcodes differ")
        return unit
    if a.kind != b.kind or a.kind == "UNKNOWN":
        if postcodes_clash:
            return FieldComparison("address", Agreement.DIFFERENT, "postcodes differ")
        return FieldComparison(
            "address", Agreement.UNCERTAIN, "road-name and lot-number forms cannot be compared"
        )
    return FieldComparison("address", Agreement.DIFFERENT, "different buildings")


def _phones(field: str, a: str, b: str) -> FieldComparison:
    if not a and not b:
        return FieldComparison(field, Agreement.EMPTY, "blank on both sides")
    if a == b:
        return FieldComparison(field, Agreement.EQUAL, "same number")
    if not a or not b:
        return FieldComparison(field, Agreement.MISSING, "blank on one side")
    if is_masked_phone(a) or is_masked_phone(b):
        return FieldComparison(field, Agreement.UNCERTAIN, "masked number")
    if is_safe_number(a) or is_safe_number(b):
        return FieldComparison(field, Agreement.WEAK, "안심번호 (safe number) differs")
    return FieldComparison(field, Agreement.DIFFERENT, "different numbers")


def compare(a: NormalisedRecipient, b: NormalisedRecipient) -> Verdict:
    """SAME only when all four fields are equal (phones may be blank on both sides)."""
    fields = (
        _names(a.name, b.name),
        _addresses(a.parsed, b.parsed),
        _phones("phone", a.phone, b.phone),
        _phones("mobile", a.mobile, b.mobile),
    )
    name, address, phone, mobile = (f.agreement for f in fields)
    phones_ok = {phone, mobile} <= {Agreement.EQUAL, Agreement.EMPTY}
    if name is address is Agreement.EQUAL and phones_ok:
        return Verdict(Outcome.SAME, fields)
    equal = sum(f.agreement is Agreement.EQUAL for f in fields)
    contradicted = any(f.agreement is Agreement.DIFFERENT for f in fields)
    if name is address is Agreement.EQUAL or equal >= 2 or (not contradicted and equal >= 1):
        return Verdict(Outcome.REVIEW, fields)
    return Verdict(Outcome.DIFFERENT, fields)
