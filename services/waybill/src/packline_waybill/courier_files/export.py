"""Writing parcels in a courier's template (송장 엑셀 다운로드): .xlsx (optionally with an Office
password) or .csv in CP949 or UTF-8 with BOM."""

import csv
import io
import re
from collections.abc import Iterable
from typing import Literal

import msoffcrypto.format.ooxml
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from packline_waybill.courier_files.rows import TEXT_FIELDS, ExportRow, cell_text
from packline_waybill.courier_files.templates import Template

# A spreadsheet runs text that starts with one of these as a formula (CSV injection).
_SHEET_FORBIDDEN = re.compile(r"[\\/?*\[\]:]")  # Excel refuses these in sheet names
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class CourierFileError(ValueError):
    """A courier file that cannot be written or read; the message says where and what to do."""


class UnencodableText(CourierFileError):
    """Text the chosen CSV encoding has no code for (CP949 has no emoji, for instance)."""


def export_xlsx(
    template: Template, rows: Iterable[ExportRow], password: str | None = None
) -> bytes:
    """One sheet, a header row, one row per parcel. Phones, postcodes, references and the number
    column are text cells ("@") so Excel neither drops leading zeros nor writes 5.2E+11."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = _SHEET_FORBIDDEN.sub(" ", template.name)[:31].strip() or "Sheet1"
    for index, column in enumerate(template.columns, start=1):
        sheet.cell(row=1, column=index, value=column.header).font = Font(bold=True)
        dimension = sheet.column_dimensions[get_column_letter(index)]
        dimension.width = max(12, min(40, len(column.header) * 2 + 4))
        if column.field in TEXT_FIELDS:
            dimension.number_format = "@"  # what the courier pastes in later stays text too
    for row_number, row in enumerate(rows, start=2):
        for index, column in enumerate(template.columns, start=1):
            value = cell_text(column, row)
            cell = sheet.cell(row=row_number, column=index)
            if isinstance(value, int):
                cell.value = value
                continue
            cell.value = value or None
            cell.data_type = "s"  # never a formula, whatever a buyer's message starts with
            cell.number_format = "@"
    out = io.BytesIO()
    book.save(out)
    if password is None:
        return out.getvalue()
    if not password:
        raise CourierFileError("the file password is empty: give one, or none for no password")
    encrypted = io.BytesIO()
    msoffcrypto.format.ooxml.OOXMLFile(io.BytesIO(out.getvalue())).encrypt(password, encrypted)
    return encrypted.getvalue()


def export_csv(
    template: Template, rows: Iterable[ExportRow], encoding: Literal["cp949", "utf-8-sig"]
) -> bytes:
    """CRLF lines as Excel writes them. Text CP949 cannot hold raises UnencodableText naming the
    row, column and character (no silent replacement: a label must show what the buyer wrote).
    Free text starting with = + - @ gets a leading apostrophe, so no spreadsheet runs it."""
    if encoding not in ("cp949", "utf-8-sig"):
        raise CourierFileError(f"CSV encoding {encoding!r}: choose cp949 or utf-8-sig")
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow([column.header for column in template.columns])
    for row_number, row in enumerate(rows, start=2):
        values: list[str] = []
        for column in template.columns:
            value = str(cell_text(column, row))
            if column.field not in TEXT_FIELDS and value.startswith(_FORMULA_STARTS):
                value = "'" + value
            if encoding == "cp949":
                _check_cp949(value, f"row {row_number} (parcel {row.reference})", column.header)
            values.append(value)
        writer.writerow(values)
    return text.getvalue().encode(encoding)


def _check_cp949(value: str, where: str, header: str) -> None:
    try:
        value.encode("cp949")
    except UnicodeEncodeError as exc:
        char = value[exc.start]
        raise UnencodableText(
            f"{where}, column {header!r}: {char!r} (U+{ord(char):04X}) cannot be written "
            "in CP949; export as UTF-8 CSV or .xlsx, or remove the character"
        ) from exc
