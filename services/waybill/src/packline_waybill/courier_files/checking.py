"""Checking a returned courier file against the parcels awaiting a number, before anything is
applied: every row matched to one parcel, every number valid for its courier and unused.
All or nothing: the caller applies the numbers only when ImportCheck.ok."""

import re
import unicodedata
from collections import defaultdict
from collections.abc import Mapping, Sequence, Set
from dataclasses import dataclass, field
from typing import Literal

from packline_couriers import COURIERS, InvalidTrackingNumber, validate_tracking_number
from packline_waybill.courier_files.reading import ReturnedFile, ReturnedRow, RowError

MatchedBy = Literal["REFERENCE", "RECIPIENT"]
_NOT_DIGIT = re.compile(r"\D")
_NOT_NUMBER_TEXT = re.compile(r"[^\d\s-]")
_EXPONENT = re.compile(r"\d[.,]?\d*[eE][+-]?\d")  # 5.21853E+11


@dataclass(frozen=True)
class Candidate:
    """A parcel exported to the courier and still awaiting its number."""

    reference: str
    recipient_name: str
    phone: str
    courier_code: str


@dataclass(frozen=True)
class RowResult:
    row_number: int
    reference: str | None  # the parcel the row was matched to
    number: str | None  # normalised, when the row's number is valid
    matched_by: MatchedBy | None
    warnings: tuple[str, ...] = ()
    error: str | None = None


@dataclass(frozen=True)
class ImportCheck:
    rows: list[RowResult]
    errors: list[RowError] = field(default_factory=list)  # about the file, not one row

    @property
    def ok(self) -> bool:
        return not self.errors and all(r.error is None for r in self.rows)

    def numbers(self) -> dict[str, str]:
        """Parcel reference → tracking number, for applying an ok check."""
        if not self.ok:
            raise ValueError("the file has errors: apply nothing")
        return {r.reference: r.number for r in self.rows if r.reference and r.number}


def recipient_key(name: str, phone: str) -> tuple[str, str]:
    """Name without spaces (NFC) and phone digits only: how a row and a parcel are compared."""
    return "".join(unicodedata.normalize("NFC", name).split()), _NOT_DIGIT.sub("", phone)


def check_import(
    returned: ReturnedFile,
    candidates: Sequence[Candidate],
    numbers_in_use: Mapping[str, str] | Set[str],
    expected_references: Set[str] | None,
) -> ImportCheck:
    """`numbers_in_use`: numbers other parcels hold (number → their reference, or just numbers).
    `expected_references`: the export batch's parcels still awaiting a number; each one the file
    leaves out is a file-level error."""
    by_reference = {c.reference: c for c in candidates}
    by_recipient: dict[tuple[str, str], list[Candidate]] = defaultdict(list)
    for parcel in candidates:
        by_recipient[recipient_key(parcel.recipient_name, parcel.phone)].append(parcel)
    read_errors = {e.row_number: e.message for e in returned.errors if e.row_number is not None}
    file_errors = [e for e in returned.errors if e.row_number is None]
    if not returned.rows:
        file_errors.append(RowError(None, "the file has no rows below its header"))

    rows: list[RowResult] = []
    row_of_parcel: dict[str, int] = {}
    row_of_number: dict[str, int] = {}
    for row in returned.rows:
        match = _match(row, by_reference, by_recipient)
        candidate = match.candidate
        number: str | None = None
        warnings = [match.warning] if match.warning else []
        error = read_errors.get(row.row_number) or match.error
        if candidate is not None:
            try:
                number, number_warnings = _number(row, candidate, returned.number_header)
                warnings += number_warnings
            except _Rejected as exc:
                error = error or str(exc)
            if candidate.reference in row_of_parcel:
                first = row_of_parcel[candidate.reference]
                error = (
                    error
                    or f"row {row.row_number}: parcel {candidate.reference} is also in row {first}"
                )
            row_of_parcel.setdefault(candidate.reference, row.row_number)
        if number is not None:
            holder = _holder(numbers_in_use, number)
            if number in row_of_number:
                first = row_of_number[number]
                error = error or f"row {row.row_number}: number {number} is also in row {first}"
            elif holder is not None and holder != match.reference:
                error = (
                    error or f"row {row.row_number}: number {number} is already used by {holder}"
                )
            row_of_number.setdefault(number, row.row_number)
        rows.append(
            RowResult(
                row_number=row.row_number,
                reference=match.reference,
                number=number if error is None else None,
                matched_by=match.matched_by,
                warnings=tuple(warnings),
                error=error,
            )
        )
    for missing in sorted((expected_references or set()) - row_of_parcel.keys()):
        file_errors.append(RowError(None, f"missing row: parcel {missing} is not in the file"))
    return ImportCheck(rows=rows, errors=file_errors)


@dataclass(frozen=True)
class _Match:
    candidate: Candidate | None
    matched_by: MatchedBy | None = None
    error: str | None = None
    warning: str | None = None

    @property
    def reference(self) -> str | None:
        return self.candidate.reference if self.candidate else None


class _Rejected(ValueError):
    """A row's number that cannot be applied; the message is the row's error."""


def _match(
    row: ReturnedRow,
    by_reference: Mapping[str, Candidate],
    by_recipient: Mapping[tuple[str, str], list[Candidate]],
) -> _Match:
    """By reference; else by recipient name + phone (digits), which must fit one parcel only."""
    if row.reference in by_reference:
        return _Match(by_reference[row.reference], "REFERENCE")
    where = f"row {row.row_number}: " + (
        f"reference {row.reference} is not a parcel awaiting a number"
        if row.reference
        else "no reference"
    )
    matches = {
        c.reference: c
        for phone in {row.phone, row.mobile} - {""}
        for c in by_recipient.get(recipient_key(row.recipient_name, phone), [])
    }
    if not row.recipient_name or not matches:
        return _Match(None, error=f"{where}, and no parcel has its recipient name and phone")
    if len(matches) > 1:
        fits = f"{len(matches)} parcels ({', '.join(sorted(matches))})"
        return _Match(
            None,
            error=f"{where}, and its recipient name and phone fit {fits}: put the reference in the row",
        )
    (candidate,) = matches.values()
    return _Match(candidate, "RECIPIENT", warning=f"{where}; matched by recipient name and phone")


def _number(row: ReturnedRow, candidate: Candidate, number_header: str) -> tuple[str, list[str]]:
    """The normalised number and its warnings; raises _Rejected when it cannot be used."""
    where = f"row {row.row_number}"
    if not row.tracking_raw.strip():
        raise _Rejected(f"{where}: the {number_header} cell is empty")
    fix = (
        f"format the {number_header} column as text (셀 서식 → 텍스트) and paste the numbers again"
    )
    if _EXPONENT.search(row.tracking_raw):
        raise _Rejected(
            f"{where}: {row.tracking_raw!r} is in exponent form, so Excel has rounded the number: {fix}"
        )
    raw = row.tracking_raw.strip().removeprefix("'")  # Excel's "this is text" mark
    if _NOT_NUMBER_TEXT.search(raw):
        raise _Rejected(f"{where}: {raw!r} has characters other than digits, spaces and hyphens")
    try:
        number, warnings = validate_tracking_number(candidate.courier_code, raw)
    except InvalidTrackingNumber as exc:
        digits = _NOT_DIGIT.sub("", raw)
        courier = COURIERS.get(candidate.courier_code)
        lengths = courier.lengths if courier else frozenset()
        if digits and len(digits) + 1 in lengths and len(digits) not in lengths:
            raise _Rejected(
                f"{where}: {exc}; if it began with 0, Excel dropped that 0: {fix}"
            ) from exc
        raise _Rejected(f"{where}: {exc}") from exc
    return number, [f"{where}: {warning}" for warning in warnings]


def _holder(numbers_in_use: Mapping[str, str] | Set[str], number: str) -> str | None:
    if isinstance(numbers_in_use, Mapping):
        return numbers_in_use.get(number)
    return "another parcel" if number in numbers_in_use else None
