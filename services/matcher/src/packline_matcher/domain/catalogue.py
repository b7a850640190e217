"""The seller's SKU catalogue (상품 목록): one row per SKU code, checked before it is stored."""

import re
from dataclasses import dataclass

_SCIENTIFIC = re.compile(r"^\d+(\.\d+)?[eE][+-]?\d+$")


@dataclass(frozen=True)
class CatalogueItem:
    sku: str
    name: str
    option: str = ""
    barcode: str = ""


@dataclass(frozen=True)
class RowError:
    """Where (row, column) and what is wrong, and what to do; never loses the rest."""

    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"row {self.row}, column {self.column}: {self.message}"


class CatalogueRejected(ValueError):
    def __init__(self, errors: list[RowError]) -> None:
        self.errors = errors
        super().__init__("; ".join(str(e) for e in errors[:20]))


def check_code(value: str, column: str, row: int, limit: int = 64) -> list[RowError]:
    if _SCIENTIFIC.match(value):
        return [RowError(row, column, f"'{value}' is Excel scientific notation; format as text")]
    if len(value) > limit:
        return [RowError(row, column, f"longer than {limit} characters")]
    return []


def check_items(
    items: list[tuple[int, CatalogueItem, dict[str, str]]], found: list[RowError] | None = None
) -> list[CatalogueItem]:
    """(row number, item, column label per field). Every problem is reported, then nothing is
    kept if there is any (a file is all or nothing)."""
    errors: list[RowError] = list(found or [])
    first_row: dict[str, int] = {}
    for row, item, columns in items:
        if not item.sku:
            errors.append(RowError(row, columns["sku"], "empty; every row needs a SKU code"))
        if not item.name:
            errors.append(RowError(row, columns["name"], "empty; every SKU needs a name"))
        errors += check_code(item.sku, columns["sku"], row)
        errors += check_code(item.barcode, columns.get("barcode", "barcode"), row)
        if len(item.name) > 300 or len(item.option) > 300:
            errors.append(RowError(row, columns["name"], "name or option over 300 characters"))
        if item.sku and item.sku in first_row:
            errors.append(
                RowError(row, columns["sku"], f"SKU repeats row {first_row[item.sku]}; keep one")
            )
        first_row.setdefault(item.sku, row)
    if errors:
        raise CatalogueRejected(errors)
    return [item for _, item, _ in items]
