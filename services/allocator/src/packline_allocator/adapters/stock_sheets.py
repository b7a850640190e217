"""Reading stock files (.xlsx through openpyxl, .csv in UTF-8 or CP949) and writing the 재고 업로드
template; which columns mean what and which rows are broken is domain/stock_sheet.py's."""

import csv
import io
import zipfile
from collections.abc import Iterator, Sequence
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from packline_allocator.domain.stock_sheet import HEADERS, REQUIRED, TEMPLATE

Rows = Iterator[tuple[int, Sequence[Any]]]


class UnreadableFile(ValueError):
    pass


def read(data: bytes) -> tuple[list[Any], Rows]:
    """The header row and the data rows (with their 1-based row numbers), blank rows skipped."""
    if data[:4] == b"PK\x03\x04":
        return _xlsx(data)
    return _csv(data)


def _xlsx(data: bytes) -> tuple[list[Any], Rows]:
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise UnreadableFile("not a readable .xlsx file (save it again as Excel Workbook)") from exc
    sheet = book.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = next(rows, None)
    if header is None:
        book.close()
        raise UnreadableFile("the first sheet is empty")

    def body() -> Rows:
        try:
            for number, values in enumerate(rows, start=2):
                if any(v is not None and str(v).strip() for v in values):
                    yield number, values
        finally:
            book.close()

    return list(header), body()


def _csv(data: bytes) -> tuple[list[Any], Rows]:
    for encoding in ("utf-8-sig", "cp949"):  # Korean Excel saves CSV as CP949
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise UnreadableFile("a .csv must be UTF-8 or CP949 (EUC-KR)")
    if "\x00" in text:
        raise UnreadableFile("the file holds NUL characters; it is not a .csv")
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
                    yield number, values
        except csv.Error as exc:  # a field over the csv module's size limit, a stray quote
            raise UnreadableFile(f"row {reader.line_num} is not readable .csv: {exc}") from exc

    return list(header), body()


def template() -> bytes:
    """The header row sellers fill in (the code column formatted as text so Excel keeps
    leading zeros) and a guide sheet."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "재고업로드"
    for index, label in enumerate(TEMPLATE, start=1):
        cell = sheet.cell(row=1, column=index, value=label)
        cell.font = Font(bold=True)
        column = sheet.column_dimensions[get_column_letter(index)]
        column.width = 20
        if index <= len(REQUIRED):
            cell.fill = PatternFill("solid", fgColor="FFF2CC")
    sheet.column_dimensions["A"].number_format = "@"
    guide = book.create_sheet("안내")
    guide.append(["열", "필수", "설명"])
    guide.append(["상품코드", "예", "also read as: " + ", ".join(HEADERS["sku"])])
    guide.append(
        [
            "수량",
            "예",
            "입고·조정·반품 재입고: 늘거나 줄어든 수량 (+/-); 실사: 센 재고 수량. "
            "also read as: " + ", ".join(HEADERS["quantity"]),
        ]
    )
    guide.append(["메모", "", "also read as: " + ", ".join(HEADERS["note"])])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
