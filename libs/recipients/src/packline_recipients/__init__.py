"""Korean recipient normalisation: one place decides when two recipients are the same."""

from packline_recipients.normalise import (
    NormalisedRecipient,
    bundle_key,
    normalise,
    normalise_address,
    normalise_name,
    normalise_phone,
    recipient_key,
)

__all__ = [
    "NormalisedRecipient",
    "bundle_key",
    "normalise",
    "normalise_address",
    "normalise_name",
    "normalise_phone",
    "recipient_key",
]
