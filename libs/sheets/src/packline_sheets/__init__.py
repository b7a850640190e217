"""The spreadsheets sellers upload and download, read and written one way for every service:
an .xlsx (first sheet, through openpyxl) or a .csv in UTF-8 or CP949 (what Korean Excel saves)
becomes a header row and numbered data rows, blank rows skipped; which columns mean what, and
which rows are broken (control characters included, named by row and column), is each
service's domain. A template is a bold header row (required
columns shaded, code columns formatted as text so Excel keeps leading zeros) and a guide sheet."""

import csv
import io
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

Rows = Iterator[tuple[int, list[Any]]]  # (1-based row number, its cells)

__all__ = ["Column", "Rows", "UnreadableFile", "read", "template", "template_csv"]


class UnreadableFile(ValueError):
    """The whole file cannot be read (not .xlsx, not UTF-8/CP949, empty, a broken .csv row)."""


def read(data: bytes) -> tuple[list[str], Rows]:
    """The header row (stripped text) and the data rows with their row numbers; an .xlsx is
    known by its zip signature, anything else is read as .csv."""
    if data[:4] == b"PK\x03\x04":
        return _xlsx(data)
    return _csv(data)


def _xlsx(data: bytes) -> tuple[list[str], Rows]:
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise UnreadableFile("not a readable .xlsx file (save it again as Excel Workbook)") from exc
    rows = book.worksheets[0].iter_rows(values_only=True)
    header = next(rows, None)
    if header is None:
        book.close()
        raise UnreadableFile("the first sheet is empty")

    def body() -> Rows:
        try:
            for number, values in enumerate(rows, start=2):
                if any(v is not None and str(v).strip() for v in values):
                    yield number, list(values)
        finally:
            book.close()

    return [str(h or "").strip() for h in header], body()


def _csv(data: bytes) -> tuple[list[str], Rows]:
    for encoding in ("utf-8-sig", "cp949"):  # Korean Excel saves CSV as CP949
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise UnreadableFile("a .csv must be UTF-8 or CP949 (EUC-KR)")
    reader = csv.reader(io.StringIO(text))
    try:
        header = next(reader, None)
    except csv.Error as exc:
        raise UnreadableFile(f"the header row is not readable .csv: {exc}") from exc
    if not header:
        raise UnreadableFile("the file is empty")

    def body() -> Rows:
        try:
            for number, values in enumerate(reader, start=2):
                if any(v.strip() for v in values):
                    yield number, list(values)
        except csv.Error as exc:  # a field over the csv module's size limit, a stray quote
            raise UnreadableFile(f"row {reader.line_num} is not readable .csv: {exc}") from exc

    return [h.strip() for h in header], body()


@dataclass(frozen=True)
class Column:
    header: str
    required: bool = False
    text: bool = False  # formatted as text: codes, phones, postcodes keep their leading zeros
    width: int = 18


def template(title: str, columns: Sequence[Column], guide: Sequence[Sequence[str]]) -> bytes:
    """An .xlsx with the header row on sheet `title` and a guide sheet (안내: 열, 필수, 설명)."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title
    for index, column in enumerate(columns, start=1):
        cell = sheet.cell(row=1, column=index, value=column.header)
        cell.font = Font(bold=True)
        if column.required:
            cell.fill = PatternFill("solid", fgColor="FFF2CC")
        dimension = sheet.column_dimensions[get_column_letter(index)]
        dimension.width = column.width
        if column.text:  # the column's own style, so no empty rows are created
            dimension.number_format = "@"
    notes = book.create_sheet("안내")
    notes.append(["열", "필수", "설명"])
    for row in guide:
        notes.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def template_csv(columns: Sequence[Column]) -> bytes:
    """The header row as a .csv Excel opens as UTF-8 (with a byte-order mark)."""
    return ("\ufeff" + ",".join(c.header for c in columns) + "\r\n").encode()
