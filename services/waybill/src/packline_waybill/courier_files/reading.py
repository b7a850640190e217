"""Reading the file a courier sends back (송장 엑셀 업로드): .xlsx (optionally password-protected)
or .csv in UTF-8 or CP949. Columns are found by header text, not position, in any of the first
rows; number cells Excel has turned into numbers are reported, never guessed back."""

import csv
import io
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

import msoffcrypto
import msoffcrypto.exceptions
import msoffcrypto.format.ooxml
from openpyxl import load_workbook

from packline_waybill.courier_files.export import CourierFileError
from packline_waybill.courier_files.templates import Template, header_key

HEADER_SEARCH_ROWS = 30
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # encrypted .xlsx and old .xls alike
_EXCEL_ERROR = re.compile(r"^#(N/A|REF!|VALUE!|NAME\?|DIV/0!|NUM!|NULL!)$")
_KEY_FIELDS = ("tracking_number", "reference", "recipient_name", "phone", "mobile")


class UnreadableFile(CourierFileError):
    """The file as a whole cannot be read (format, password, no header row)."""


@dataclass(frozen=True)
class ReturnedRow:
    row_number: int  # as the spreadsheet shows it (1-based, header rows counted)
    reference: str
    tracking_raw: str
    recipient_name: str
    phone: str
    mobile: str = ""


@dataclass(frozen=True)
class RowError:
    row_number: int | None  # None: about the file, not one row
    message: str


@dataclass(frozen=True)
class ReturnedFile:
    rows: list[ReturnedRow]
    errors: list[RowError]
    number_header: str  # the header the numbers were found under, for messages


@dataclass(frozen=True)
class _Cell:
    text: str
    numeric: bool


def read_returned_file(
    data: bytes, filename: str, template: Template, password: str | None = None
) -> ReturnedFile:
    """Rows with a number, reference or recipient; raises UnreadableFile for the whole file."""
    suffix = PurePath(filename).suffix.lower()
    if suffix == ".xls":
        raise _xls_refused()
    if data.startswith(_OLE_MAGIC):
        return _from_rows(_xlsx_rows(_decrypt(data, password)), template)
    if data.startswith(b"PK") or suffix in (".xlsx", ".xlsm"):
        return _from_rows(_xlsx_rows(data), template)
    if suffix in (".csv", ".txt", ""):
        return _from_rows(_csv_rows(data), template)
    raise UnreadableFile(
        f"{filename!r} is neither .xlsx nor .csv; upload the courier's file as one"
    )


def _xls_refused() -> UnreadableFile:
    return UnreadableFile(
        ".xls (Excel 97-2003) files are not read: open the file in Excel and save it as "
        "'Excel 통합 문서 (.xlsx)' or CSV, then upload that"
    )


def _decrypt(data: bytes, password: str | None) -> bytes:
    # A damaged file can fail anywhere inside msoffcrypto/olefile (ValueError, struct.error, ...):
    # the seller needs "save it again", not a server error.
    try:
        office = msoffcrypto.OfficeFile(io.BytesIO(data))
        encrypted_xlsx = isinstance(office, msoffcrypto.format.ooxml.OOXMLFile)
    except Exception as exc:
        raise UnreadableFile(f"the file cannot be opened ({exc}); save it again as .xlsx") from exc
    if not encrypted_xlsx:
        raise _xls_refused()
    if not password:
        raise UnreadableFile("the file is password-protected: give its password with the upload")
    try:
        office.load_key(password=password)
        out = io.BytesIO()
        office.decrypt(out)
    except msoffcrypto.exceptions.InvalidKeyError as exc:
        raise UnreadableFile("the file's password is wrong") from exc
    except Exception as exc:
        raise UnreadableFile(f"the encrypted file cannot be opened ({exc})") from exc
    return out.getvalue()


def _xlsx_rows(data: bytes) -> Iterator[list[_Cell]]:
    # Damaged parts fail inside openpyxl (BadZipFile, KeyError, XML ParseError, ...), also
    # while rows are read; all of them mean the same to the seller.
    unreadable = "not a readable .xlsx file (open it in Excel and save it again as .xlsx)"
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:
        raise UnreadableFile(unreadable) from exc
    try:
        for values in book.worksheets[0].iter_rows(values_only=True):
            yield [_xlsx_cell(v) for v in values]
    except Exception as exc:
        raise UnreadableFile(unreadable) from exc
    finally:
        book.close()


def _xlsx_cell(value: Any) -> _Cell:
    if value is None:
        return _Cell("", False)
    if isinstance(value, bool):
        return _Cell(str(value), False)
    if isinstance(value, int):
        return _Cell(str(value), True)
    if isinstance(value, float):
        exact = value.is_integer() and abs(value) < 1e15
        return _Cell(str(int(value)) if exact else repr(value).upper(), True)
    return _Cell(str(value).strip(), False)


def _csv_rows(data: bytes) -> Iterator[list[_Cell]]:
    for encoding in ("utf-8-sig", "cp949"):  # Korean Excel saves CSV as CP949
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise UnreadableFile("a .csv must be UTF-8 or CP949 (EUC-KR); save it again as CSV")
    sample = text[:4096]
    delimiter = "\t" if sample.count("\t") > sample.count(",") else ","  # some couriers send TSV
    try:
        for values in csv.reader(io.StringIO(text), delimiter=delimiter):
            yield [_Cell(v.strip(), False) for v in values]
    except csv.Error as exc:
        raise UnreadableFile(f"the .csv cannot be read ({exc}); save it again as CSV") from exc


def _from_rows(rows: Iterator[list[_Cell]], template: Template) -> ReturnedFile:
    columns: dict[str, int] | None = None
    number_header = template.number_header
    found: list[ReturnedRow] = []
    errors: list[RowError] = []
    for row_number, cells in enumerate(rows, start=1):
        if columns is None:
            if row_number > HEADER_SEARCH_ROWS:
                break
            columns = _header_columns([c.text for c in cells], template)
            if columns is not None:  # name the column as the file does, in messages
                number_header = " ".join(cells[columns["tracking_number"]].text.split())
            continue

        if not any(_cell(cells, columns, f).text for f in _KEY_FIELDS):
            continue  # blank line, or a note row below the data
        number = _cell(cells, columns, "tracking_number")
        if number.numeric:
            errors.append(RowError(row_number, _numeric_number_message(row_number, number_header)))
        elif _EXCEL_ERROR.match(number.text):
            errors.append(
                RowError(
                    row_number,
                    f"row {row_number}: the {number_header} cell holds the Excel error {number.text}",
                )
            )
        found.append(
            ReturnedRow(
                row_number=row_number,
                reference=_cell(cells, columns, "reference").text,
                tracking_raw=number.text,
                recipient_name=_cell(cells, columns, "recipient_name").text,
                phone=_phone(_cell(cells, columns, "phone")),
                mobile=_phone(_cell(cells, columns, "mobile")),
            )
        )
    if columns is None:
        headers = ", ".join(template.headers_for("tracking_number"))
        raise UnreadableFile(
            f"no header row found in the first {HEADER_SEARCH_ROWS} rows: it needs a number column "
            f"({headers}) and {template.reference_header} or the recipient's name"
        )
    return ReturnedFile(rows=found, errors=errors, number_header=number_header)


def _cell(cells: Sequence[_Cell], columns: dict[str, int], field: str) -> _Cell:
    index = columns.get(field)
    return cells[index] if index is not None and index < len(cells) else _Cell("", False)


def _header_columns(headers: list[str], template: Template) -> dict[str, int] | None:
    """Field → column index, or None when this row is not the header row."""
    keys = [header_key(h) for h in headers]
    columns: dict[str, int] = {}
    for field in _KEY_FIELDS:
        for header in template.headers_for(field):
            index = keys.index(header_key(header)) if header_key(header) in keys else None
            if index is not None and index not in columns.values():
                columns[field] = index
                break
    if "tracking_number" not in columns:
        return None
    if "reference" not in columns and "recipient_name" not in columns:
        return None
    return columns


def _phone(cell: _Cell) -> str:
    # Korean phone numbers start with 0; a numeric cell has lost it, and only it.
    return "0" + cell.text if cell.numeric and not cell.text.startswith("0") else cell.text


def _numeric_number_message(row_number: int, header: str) -> str:
    return (
        f"row {row_number}: the {header} cell is a number, not text, so Excel may have dropped "
        f"leading zeros or rounded it (5.21853E+11): format the {header} column as text "
        "(셀 서식 → 텍스트) and paste the numbers again"
    )
