"""The rows of an uploaded order file that a service named in its errors, read here only to
show each problem next to the row it is about (numbered as the collector numbers them: the
header is row 1). Nothing is decided from them."""

import csv
import io
import zipfile
from collections.abc import Iterable
from typing import Any

from openpyxl import load_workbook

MAX_ROWS = 200


def rows_of(data: bytes, wanted: Iterable[int]) -> tuple[list[str], dict[int, list[str]]]:
    """The header and the wanted rows' cells as text; ([], {}) when the file cannot be read."""
    numbers = set(wanted)
    try:
        header, rows = _xlsx(data) if data[:4] == b"PK\x03\x04" else _csv(data)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, csv.Error):
        return [], {}
    found: dict[int, list[str]] = {}
    for number, values in rows:
        if number in numbers:
            found[number] = [_text(v) for v in values]
            if len(found) >= min(len(numbers), MAX_ROWS):
                break
    return [_text(h) for h in header], found


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()[:200]


def _xlsx(data: bytes) -> tuple[list[Any], Iterable[tuple[int, list[Any]]]]:
    sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = list(next(rows, ()))
    return header, ((n, list(v)) for n, v in enumerate(rows, start=2))


def _csv(data: bytes) -> tuple[list[Any], Iterable[tuple[int, list[Any]]]]:
    for encoding in ("utf-8-sig", "cp949"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        return [], ()
    reader = csv.reader(io.StringIO(text))
    header = next(reader, [])
    return list(header), ((n, list(v)) for n, v in enumerate(reader, start=2))
