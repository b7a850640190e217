"""The spreadsheets sellers upload and download, read and written one way for every service:
an .xlsx (first sheet, through openpyxl; a password-protected one decrypted with the password
given, through msoffcrypto-tool) or a .csv in UTF-8 or CP949 (what Korean Excel saves) becomes a
header row and numbered data rows, blank rows skipped (or, through `read_grid`, every non-blank
row numbered, for files whose header is not on the first row); which columns mean what, and
which rows are broken (control characters included, named by row and column), is each
service's domain. A template is a bold header row (required
columns shaded, code columns formatted as text so Excel keeps leading zeros) and a guide sheet."""

import csv
import io
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import msoffcrypto
import msoffcrypto.exceptions
import msoffcrypto.format.ooxml
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

Rows = Iterator[tuple[int, list[Any]]]  # (1-based row number, its cells)

__all__ = [
    "Column",
    "Rows",
    "UnreadableFile",
    "decrypt",
    "encrypt",
    "read",
    "read_grid",
    "template",
    "template_csv",
]
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # an encrypted .xlsx (or an old .xls) starts so


class UnreadableFile(ValueError):
    """The whole file cannot be read (not .xlsx, not UTF-8/CP949, empty, a broken .csv row)."""


def read(data: bytes, password: str | None = None) -> tuple[list[str], Rows]:
    """The header row (stripped text) and the data rows with their row numbers; an .xlsx is
    known by its zip signature (an encrypted one by its OLE signature: `password` opens it),
    anything else is read as .csv."""
    grid = read_grid(data, password)
    first = next(grid, None)
    if first is None:
        raise UnreadableFile("the file is empty")
    return [str(h if h is not None else "").strip() for h in first[1]], grid


def read_grid(data: bytes, password: str | None = None) -> Rows:
    """Every row holding something, numbered as Excel numbers them (1 = the first row)."""
    if data[:8] == OLE:
        data = decrypt(data, password)
    if data[:4] == b"PK\x03\x04":
        return _xlsx(data)
    return _csv(data)


def decrypt(data: bytes, password: str | None) -> bytes:
    """A password-protected .xlsx opened with its password; a damaged file or an old .xls is
    refused as unreadable, never a server error."""
    try:
        office = msoffcrypto.OfficeFile(io.BytesIO(data))
        encrypted_xlsx = isinstance(office, msoffcrypto.format.ooxml.OOXMLFile)
    except Exception as exc:  # damage fails anywhere inside msoffcrypto/olefile
        raise UnreadableFile("the file cannot be opened; save it again as .xlsx") from exc
    if not encrypted_xlsx:
        raise UnreadableFile(
            ".xls (Excel 97-2003) is not read: save it as 'Excel 통합 문서 (.xlsx)' or CSV"
        )
    if not password:
        raise UnreadableFile(
            "the file is password-protected: give its password with the upload (X-File-Password)"
        )
    out = io.BytesIO()
    try:
        office.load_key(password=password)
        office.decrypt(out)
    except msoffcrypto.exceptions.InvalidKeyError as exc:
        raise UnreadableFile("the file's password is wrong") from exc
    except Exception as exc:
        raise UnreadableFile("the encrypted file cannot be opened; save it again") from exc
    return out.getvalue()


def encrypt(data: bytes, password: str) -> bytes:
    """An .xlsx protected with `password`, as Excel (and Naver's 엑셀 다운로드) writes one."""
    out = io.BytesIO()
    msoffcrypto.format.ooxml.OOXMLFile(io.BytesIO(data)).encrypt(password, out)
    return out.getvalue()


def _xlsx(data: bytes) -> Rows:
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise UnreadableFile("not a readable .xlsx file (save it again as Excel Workbook)") from exc
    rows = book.worksheets[0].iter_rows(values_only=True)

    def body() -> Rows:
        try:
            for number, values in enumerate(rows, start=1):
                if any(v is not None and str(v).strip() for v in values):
                    yield number, list(values)
        finally:
            book.close()

    return body()


def _csv(data: bytes) -> Rows:
    for encoding in ("utf-8-sig", "cp949"):  # Korean Excel saves CSV as CP949
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise UnreadableFile("a .csv must be UTF-8 or CP949 (EUC-KR)")
    reader = csv.reader(io.StringIO(text))

    def body() -> Rows:
        try:
            for number, values in enumerate(reader, start=1):
                if any(v.strip() for v in values):
                    yield number, list(values)
        except csv.Error as exc:  # a field over the csv module's size limit, a stray quote
            raise UnreadableFile(f"row {reader.line_num} is not readable .csv: {exc}") from exc

    return body()


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
