"""Reading an uploaded list of tracking numbers (.txt, .csv in UTF-8 or CP949, .xlsx): one
number per row, a header row optional (scanner exports often head the column `운송장번호`)."""

import csv
import io
import zipfile
from collections.abc import Iterable, Sequence
from typing import Any

from openpyxl import load_workbook

from packline_shipper.domain.scan import ScannedRow

HEADERS = ("운송장번호", "송장번호", "tracking_number", "tracking number", "invoice_number")


class UnreadableFile(ValueError):
    """The upload is not a list of numbers this service can read; the message says why."""


def read_numbers(data: bytes, max_rows: int) -> list[ScannedRow]:
    """Each non-blank row's number cell, with its row number in the file."""
    if not data.strip():
        raise UnreadableFile("the file is empty: one tracking number per row")
    rows = _xlsx(data) if data[:4] == b"PK\x03\x04" else _text(data)
    return _numbers(rows, max_rows)


def _cell(value: Any) -> str:
    """A cell as text; Excel keeps an all-digit number as an int or a float (300000000006.0)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value).strip()


def _xlsx(data: bytes) -> list[list[str]]:
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise UnreadableFile("not a readable .xlsx file (save it again as Excel Workbook)") from exc
    try:
        return [
            [_cell(v) for v in values] for values in book.worksheets[0].iter_rows(values_only=True)
        ]
    finally:
        book.close()


def _text(data: bytes) -> list[list[str]]:
    for encoding in ("utf-8-sig", "cp949"):  # Korean Excel saves CSV as CP949
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise UnreadableFile("a .txt or .csv must be UTF-8 or CP949 (EUC-KR)")
    if "\x00" in text:
        raise UnreadableFile("not a text file: send .txt, .csv or .xlsx")
    dialect = "excel-tab" if "\t" in text and "," not in text else "excel"
    try:
        return [[c.strip() for c in row] for row in csv.reader(io.StringIO(text), dialect)]
    except csv.Error as exc:  # a field over csv's size limit, an unclosed quote at the end
        raise UnreadableFile(f"not a readable .csv ({exc}): one tracking number per row") from exc


def _column(header: Sequence[str]) -> int | None:
    """The number column named in a header row; None when the first row is not a header."""
    names = [h.strip().lower() for h in header]
    for index, name in enumerate(names):
        if name in HEADERS:
            return index
    return None


def _numbers(rows: Sequence[Sequence[str]], max_rows: int) -> list[ScannedRow]:
    numbered: Iterable[tuple[int, Sequence[str]]] = enumerate(rows, start=1)
    filled = [(n, row) for n, row in numbered if any(c for c in row)]
    if not filled:
        raise UnreadableFile("the file has no numbers: one tracking number per row")
    first_no, first = filled[0]
    column = _column(first)
    if column is not None:
        filled = filled[1:]
    else:
        width = max(len([c for c in row if c]) for _, row in filled)
        if width > 1:
            raise UnreadableFile(
                "several columns and none headed 운송장번호: keep one column of numbers, or "
                "head the number column 운송장번호"
            )
        if not any(ch.isdigit() for ch in "".join(first)):
            filled = filled[1:]  # a header of another name (e.g. "번호")
        column = 0
    if len(filled) > max_rows:
        raise UnreadableFile(f"{len(filled)} rows: at most {max_rows} per upload; split the file")
    if not filled:
        raise UnreadableFile(f"only a header in row {first_no}: no numbers below it")
    return [ScannedRow(n, row[column] if column < len(row) else "") for n, row in filled]
