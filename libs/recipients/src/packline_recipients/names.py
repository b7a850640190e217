"""Recipient names (수취인명): display form, comparison key, and masked names (`신*희`)."""

import re
import unicodedata

_SPACES = re.compile(r"\s+")
# marketplaces hide characters of names with these
_MASKS = re.compile(r"[*＊●○◯]")


def normalise_name(name: str) -> str:
    """Trim and fold whitespace; Hangul is kept as is (NFC)."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", name)).strip()


def name_key(name: str) -> str:
    """What two names must share to be one name: no spaces, Latin letters case-folded."""
    return _SPACES.sub("", normalise_name(name)).casefold()


def is_masked(name: str) -> bool:
    """`신*희`, `김**`: a marketplace's masked name, not a real one."""
    return bool(_MASKS.search(name))


def masked_compatible(a: str, b: str) -> bool:
    """Could these be the same name with some characters hidden? Equal length, and every
    character shown on both sides agrees."""
    ka, kb = name_key(a), name_key(b)
    if len(ka) != len(kb):
        return False
    return all(x == y or _MASKS.match(x) or _MASKS.match(y) for x, y in zip(ka, kb, strict=True))
