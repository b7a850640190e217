"""The marketplaces' own order files (쿠팡 WING, 네이버 스마트스토어, 11번가), known by their header
row: each source is a table of fields, each field the header texts it has gone by (first the
current one), some required. Headers are compared normalised (spaces, brackets, full-width
characters and case do not count); extra columns are ignored; the header may sit below a few
notice rows. A file that looks like a source but lacks required headers is refused naming them;
a file of no known source is refused with what each source needs."""

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from packline_contracts import Marketplace

HEADER_SEARCH_ROWS = 10  # Naver's download puts a notice above the header


@dataclass(frozen=True)
class Skip:
    """Rows whose `field` holds one of `words` are not registered; `reason` says why."""

    field: str
    words: tuple[str, ...]
    reason: str


@dataclass(frozen=True)
class Source:
    key: str
    title: str
    marketplace: Marketplace
    columns: dict[str, tuple[str, ...]]  # field -> its headers, the current one first
    required: tuple[str, ...]
    signature: tuple[str, ...]  # fields only this source's files have: "looks like it"
    # how the order's ids are made from fields, exactly as the API adapter makes them
    line_id: tuple[str, ...]
    listing_id: tuple[str, ...]  # the first field with a value
    option_id: tuple[str, ...]  # the first field with a value
    subtract: tuple[str, ...] = ()  # counts taken off the quantity (cancelled, held)
    skips: tuple[Skip, ...] = ()
    notes: tuple[str, ...] = field(default=())

    def header(self, fld: str) -> str:
        return self.columns[fld][0]

    def expected(self) -> list[str]:
        return [self.header(f) for f in self.required]


_NOISE = re.compile(r"[\s()\[\]{}<>*_·:/]")


def normalised(header: Any) -> str:
    text = unicodedata.normalize("NFKC", str(header if header is not None else ""))
    return _NOISE.sub("", text).lower()


@dataclass(frozen=True)
class Recognised:
    source: Source
    header_row: int  # 1-based, as Excel numbers it
    columns: dict[str, int]  # field -> column index
    headers: dict[str, str]  # field -> the header text as this file writes it
    primary: frozenset[str]  # fields found under their current (first) header


class NotRecognised(ValueError):
    def __init__(self, message: str, expected: dict[str, list[str]]) -> None:
        super().__init__(message)
        self.expected = expected


def _match(source: Source, header: Sequence[Any]) -> Recognised:
    at = {normalised(h): i for i, h in reversed(list(enumerate(header))) if normalised(h)}
    columns: dict[str, int] = {}
    primary = set()
    for fld, names in source.columns.items():
        for n, name in enumerate(names):
            if normalised(name) in at:
                columns[fld] = at[normalised(name)]
                if n == 0:
                    primary.add(fld)
                break
    headers = {f: str(header[i]).strip() for f, i in columns.items()}
    return Recognised(source, 0, columns, headers, frozenset(primary))


def recognise(rows: Sequence[tuple[int, list[Any]]], sources: Sequence[Source]) -> Recognised:
    """The source whose required headers are all in one of the first rows; else refused."""
    near: list[tuple[int, Source, list[str]]] = []
    for number, values in rows[:HEADER_SEARCH_ROWS]:
        for source in sources:
            found = _match(source, values)
            missing = [source.header(f) for f in source.required if f not in found.columns]
            if not missing:
                return Recognised(source, number, found.columns, found.headers, found.primary)
            if any(f in found.columns for f in source.signature):
                near.append((len(missing), source, missing))
    expected = {s.title: s.expected() for s in sources}
    if near:
        _, source, missing = min(near, key=lambda n: n[0])
        raise NotRecognised(
            f"this looks like {source.title} but lacks the column(s) {', '.join(missing)}; "
            "download the file again with all columns",
            {source.title: missing},
        )
    raise NotRecognised(
        "the header row is of no known file: use Packline's template or an order file "
        "downloaded from " + ", ".join(s.title for s in sources if s.key != "TEMPLATE"),
        expected,
    )
