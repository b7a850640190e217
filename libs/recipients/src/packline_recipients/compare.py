"""Are two recipients one door? SAME bundles without a person, REVIEW asks one (확인필요),
DIFFERENT keeps the orders apart. Every verdict says which fields agree and which differ.

The seller's rule (합포): name, address, phone and mobile all equal → one box; an address that is
plainly another destination (sameness.py) → another box, whatever else agrees; otherwise name
and address equal but a phone differs, or two of the four fields equal → a person decides; so
does one equal field when nothing contradicts it. Evidence that
proves nothing is never read as a difference: a masked name (`신*희`), a masked number, a
different 안심번호 (050x, new for every order), a road-name address against a lot-number one.
"""

from dataclasses import dataclass
from enum import StrEnum

from packline_recipients.names import is_masked, masked_compatible
from packline_recipients.normalise import NormalisedRecipient
from packline_recipients.phones import is_masked_phone, is_safe_number
from packline_recipients.sameness import Sameness, compare_places


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


def _addresses(a: NormalisedRecipient, b: NormalisedRecipient) -> FieldComparison:
    """EQUAL only when the address keys are equal (so SAME pairs share a partition and a bundle
    key); one place written two ways is UNCERTAIN, a person confirms it."""
    found = compare_places(a.place, b.place)
    if found.sameness is Sameness.DIFFERENT:
        return FieldComparison("address", Agreement.DIFFERENT, found.why)
    if found.sameness is Sameness.SAME and a.address == b.address:
        return FieldComparison("address", Agreement.EQUAL, "same building and unit")
    if found.sameness is Sameness.SAME:
        return FieldComparison("address", Agreement.UNCERTAIN, "one place written two ways")
    return FieldComparison("address", Agreement.UNCERTAIN, found.why)


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
    """SAME only when all four fields are equal (phones may be blank on both sides); a plainly
    different address (another building, unit, street or district) is DIFFERENT whatever else
    agrees: another door is another box, no person needs to look."""
    fields = (
        _names(a.name, b.name),
        _addresses(a, b),
        _phones("phone", a.phone, b.phone),
        _phones("mobile", a.mobile, b.mobile),
    )
    name, address, phone, mobile = (f.agreement for f in fields)
    if address is Agreement.DIFFERENT:
        return Verdict(Outcome.DIFFERENT, fields)
    phones_ok = {phone, mobile} <= {Agreement.EQUAL, Agreement.EMPTY}
    if name is address is Agreement.EQUAL and phones_ok:
        return Verdict(Outcome.SAME, fields)
    equal = sum(f.agreement is Agreement.EQUAL for f in fields)
    contradicted = any(f.agreement is Agreement.DIFFERENT for f in fields)
    if name is address is Agreement.EQUAL or equal >= 2 or (not contradicted and equal >= 1):
        return Verdict(Outcome.REVIEW, fields)
    return Verdict(Outcome.DIFFERENT, fields)
