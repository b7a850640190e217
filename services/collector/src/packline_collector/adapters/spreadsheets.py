"""Reading order files (.xlsx through openpyxl, .csv in UTF-8 or CP949) and writing the template."""

import csv
import io
import zipfile
from collections.abc import Iterator
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from packline_collector.domain.excel_columns import COLUMNS, REQUIRED, TEMPLATE

TEXT_COLUMNS = ("order_id", "mobile", "phone", "postcode", "listing_id", "option_id")


class UnreadableFile(ValueError):
    pass


def read(data: bytes) -> tuple[list[str], Iterator[tuple[int, list[Any]]]]:
    """The header row and the data rows (with their 1-based row numbers), blank rows skipped."""
    if data[:4] == b"PK\x03\x04":
        return _xlsx(data)
    return _csv(data)


def _xlsx(data: bytes) -> tuple[list[str], Iterator[tuple[int, list[Any]]]]:
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise UnreadableFile("not a readable .xlsx file (save it again as Excel Workbook)") from exc
    sheet = book.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = next(rows, None)
    if header is None:
        raise UnreadableFile("the first sheet is empty")

    def body() -> Iterator[tuple[int, list[Any]]]:
        for number, values in enumerate(rows, start=2):
            if any(v is not None and str(v).strip() for v in values):
                yield number, list(values)
        book.close()

    return [str(h or "").strip() for h in header], body()


def _csv(data: bytes) -> tuple[list[str], Iterator[tuple[int, list[Any]]]]:
    for encoding in ("utf-8-sig", "cp949"):  # Korean Excel saves CSV as CP949
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise UnreadableFile("a .csv must be UTF-8 or CP949 (EUC-KR)")
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if not header:
        raise UnreadableFile("the file is empty")

    def body() -> Iterator[tuple[int, list[Any]]]:
        for number, values in enumerate(reader, start=2):
            if any(v.strip() for v in values):
                yield number, list(values)

    return [h.strip() for h in header], body()


def template() -> bytes:
    """The header row sellers fill in; id, phone and postcode columns are formatted as text so
    Excel neither rounds ids nor drops leading zeros."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "주문등록"
    for index, fld in enumerate(TEMPLATE, start=1):
        cell = sheet.cell(row=1, column=index, value=COLUMNS[fld][0])
        cell.font = Font(bold=True)
        if fld in REQUIRED:
            cell.fill = PatternFill("solid", fgColor="FFF2CC")
        column = sheet.column_dimensions[get_column_letter(index)]
        column.width = 18
        if fld in TEXT_COLUMNS:  # the column's own style, so no empty rows are created
            column.number_format = "@"
    guide = book.create_sheet("안내")
    guide.append(["열", "필수", "설명"])
    for fld in TEMPLATE:
        main, others = COLUMNS[fld]
        guide.append([main, "예" if fld in REQUIRED else "", "also read as: " + ", ".join(others)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def template_csv() -> bytes:
    return ("\ufeff" + ",".join(COLUMNS[f][0] for f in TEMPLATE) + "\r\n").encode()
