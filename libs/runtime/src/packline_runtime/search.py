"""The search box every list endpoint shares (docs/console.md "Every list"): `q` holds one or
more comma-separated terms; a row matches when any term is contained, ignoring case, in any of
the fields that list searches. The filter runs in the service's SQL, so a search over 10,000+
rows reads only what it returns. `since` limits a list to rows from a moment on."""

import re
from datetime import UTC, datetime
from typing import Annotated

from fastapi import Query
from pydantic import AfterValidator, AwareDatetime, BeforeValidator

MAX_TERMS = 50
MAX_QUERY = 500

Search = Annotated[
    str | None,
    Query(
        max_length=MAX_QUERY,
        description=(
            "Comma-separated search terms (at most 50); a row matches when any term is "
            "contained, ignoring case, in one of the fields this list searches"
        ),
    ),
]


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}[Tt]")


def iso_only(value: object) -> object:
    """Only an ISO 8601 date and time is a moment here, as the schema says (`date-time`):
    pydantic would take a number such as `0.5` as seconds since 1970."""
    if isinstance(value, str) and not _ISO_DATE.match(value):
        raise ValueError("expected an ISO 8601 date and time with its offset")
    return value


def in_utc(moment: datetime | None) -> datetime | None:
    """A moment asked for, in UTC; one that falls outside the years 1-9999 there (0001-01-01
    at +14:00) is refused (422) rather than failing in the database driver (500)."""
    if moment is None:
        return None
    try:
        return moment.astimezone(UTC)
    except OverflowError as exc:
        raise ValueError("the moment lies outside the years 1-9999 in UTC") from exc


Since = Annotated[
    AwareDatetime | None,
    BeforeValidator(iso_only),
    AfterValidator(in_utc),
    Query(description="Only rows from this moment on (an ISO 8601 time with its offset)"),
]


def terms(q: str | None) -> list[str]:
    """The search box's values: comma-separated, trimmed, empty ones dropped, at most 50."""
    found = [t.strip() for t in (q or "").split(",")]
    return [t.replace("\x00", "") for t in found if t.strip()][:MAX_TERMS]


def patterns(q: str | None) -> list[str] | None:
    """`ILIKE ANY($n)` patterns for the terms (LIKE's `%`, `_` and `\\` taken literally), or
    None when there is nothing to search: SQL reads it as `$n::text[] IS NULL OR ...`."""
    found = terms(q)
    if not found:
        return None
    return ["%" + _escaped(t) + "%" for t in found]


def _escaped(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def matching(param: int, *columns: str) -> str:
    """The SQL condition for a list's searched columns, `$param` bound to `patterns(q)`:
    true when nothing is searched, else when any column contains any term."""
    wanted = " OR ".join(f"{column} ILIKE ANY(${param}::text[])" for column in columns)
    return f"(${param}::text[] IS NULL OR {wanted})"
