"""Korean recipient normalisation: one place decides when two recipients are the same."""

from packline_recipients.address import Address, normalise_address, parse_address
from packline_recipients.compare import Agreement, FieldComparison, Outcome, Verdict, compare
from packline_recipients.names import is_masked, name_key, normalise_name
from packline_recipients.normalise import (
    NormalisedRecipient,
    bundle_key,
    field_hashes,
    normalise,
    recipient_key,
)
from packline_recipients.phones import is_safe_number, normalise_phone
from packline_recipients.places import Place, Unit, parse_place, parse_unit
from packline_recipients.sameness import PlaceVerdict, Sameness, compare_places

__all__ = [
    "Address",
    "Agreement",
    "FieldComparison",
    "NormalisedRecipient",
    "Outcome",
    "Place",
    "PlaceVerdict",
    "Sameness",
    "Unit",
    "Verdict",
    "bundle_key",
    "compare",
    "compare_places",
    "field_hashes",
    "is_masked",
    "is_safe_number",
    "name_key",
    "normalise",
    "normalise_address",
    "normalise_name",
    "normalise_phone",
    "parse_address",
    "parse_place",
    "parse_unit",
    "recipient_key",
]
