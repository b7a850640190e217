"""Reads a catalogue from a spreadsheet (.xlsx, or .csv in UTF-8/CP949, read the one way every
service reads uploads: packline_sheets): columns found by header text, not position."""

from collections.abc import Sequence
from typing import Any

import packline_sheets
from openpyxl.utils import get_column_letter

from packline_matcher.domain.catalogue import (
    CatalogueItem,
    CatalogueRejected,
    RowError,
    check_items,
)

HEADERS: dict[str, tuple[str, ...]] = {
    "sku": ("sku", "sku code", "sku코드", "상품코드", "자체상품코드", "품목코드"),
    "name": ("name", "상품명", "품목명"),
    "option": ("option", "옵션", "옵션명"),
    "barcode": ("barcode", "바코드"),
}
REQUIRED = ("sku", "name")


def _text(value: Any, row: int, column: str, errors: list[RowError]) -> str:
    """Cells as text. Excel keeps long codes as numbers: whole ones are repaired, others refused."""
    if value is None:
        return ""
    if isinstance(value, bool):
        errors.append(RowError(row, column, "is TRUE/FALSE; write the code as text"))
        return ""
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 2**53:
            return str(int(value))
        errors.append(RowError(row, column, "is a decimal number; format the column as text"))
        return ""
    return " ".join(str(value).split())


def _columns(header: Sequence[Any]) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, cell in enumerate(header):
        label = " ".join(str(cell or "").split()).lower()
        for field, names in HEADERS.items():
            if label in names and field not in found:
                found[field] = index
    return found


def read(content: bytes) -> list[CatalogueItem]:
    """Every non-empty row as an item; every problem of the file reported at once, or none."""
    try:
        header, rows = packline_sheets.read(content)
    except packline_sheets.UnreadableFile as exc:
        raise CatalogueRejected([RowError(0, "-", str(exc))]) from exc
    columns = _columns(header)
    missing = [f for f in REQUIRED if f not in columns]
    if missing:
        expected = "; ".join(f"{f}: one of {', '.join(HEADERS[f])}" for f in missing)
        raise CatalogueRejected([RowError(1, "-", f"header row lacks a column for {expected}")])
    labels = {
        f: f"{get_column_letter(i + 1)} ({str(header[i]).strip()})" for f, i in columns.items()
    }
    items: list[tuple[int, CatalogueItem, dict[str, str]]] = []
    errors: list[RowError] = []
    for number, values in rows:

        def cell(field: str, row: int = number, vals: list[Any] = values) -> str:
            index = columns.get(field)
            if index is None or index >= len(vals):
                return ""
            return _text(vals[index], row, labels[field], errors)

        item = CatalogueItem(cell("sku"), cell("name"), cell("option"), cell("barcode"))
        items.append((number, item, labels))
    try:
        return check_items(items, errors)
    except CatalogueRejected as exc:
        raise CatalogueRejected(sorted(exc.errors, key=lambda e: e.row)) from None
