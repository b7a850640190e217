"""재고 업로드: the rows of a stock file checked whole. Columns are found by their header text
(SKU/상품코드, 수량/재고수량, 메모; others are tolerated); a file with any broken row (an empty
SKU, a quantity that is not a whole number, a SKU twice) is refused with every problem listed by
row and column, and nothing of it is applied."""

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from packline_allocator.domain.ledger import MAX_ON_HAND
from packline_allocator.domain.movements import MoveLine

HEADERS: dict[str, tuple[str, ...]] = {
    "sku": ("sku", "sku코드", "상품코드", "자체상품코드", "품목코드"),
    "quantity": ("수량", "재고수량", "재고", "quantity", "qty"),
    "note": ("메모", "비고", "note", "memo"),
}
REQUIRED = ("sku", "quantity")
TEMPLATE = ("상품코드", "수량", "메모")
MAX_ROWS = 10_000
MAX_SKU = 64
MAX_NOTE = 500
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_WHOLE = re.compile(r"[+-]?\d{1,3}(,\d{3})+|[+-]?\d+")


@dataclass(frozen=True)
class RowError:
    """Where (row, column) and what is wrong; row 1 is the header row."""

    row: int
    column: str
    message: str


class SheetRejected(ValueError):
    def __init__(self, errors: Sequence[RowError]) -> None:
        self.errors = list(errors)
        super().__init__(f"{len(self.errors)} problem(s); nothing was changed")


@dataclass(frozen=True)
class SheetLine:
    row: int
    line: MoveLine


def columns(header: Sequence[Any]) -> dict[str, int]:
    """Field → column index, by header text; the required ones missing refuse the file,
    named."""
    found: dict[str, int] = {}
    for index, cell in enumerate(header):
        label = " ".join(str(cell or "").split()).lower()
        for field, names in HEADERS.items():
            if label in names and field not in found:
                found[field] = index
    missing = [f for f in REQUIRED if f not in found]
    if missing:
        raise SheetRejected(
            [RowError(1, "-", f"no {f} column: name one {' / '.join(HEADERS[f])}") for f in missing]
        )
    return found


def _control(text: str) -> str | None:
    """The first control character in a cell, as U+XXXX (PostgreSQL text cannot hold NUL)."""
    found = _CONTROL.search(text)
    return f"U+{ord(found.group()):04X}" if found else None


def _text(value: Any) -> str | None:
    """A code cell as text: Excel keeps long codes as numbers, whole ones are repaired."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 2**53 else None
    return " ".join(str(value).split())


def _whole(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() and abs(value) < 2**53 else None
    text = str(value).strip() if value is not None else ""
    return int(text.replace(",", "")) if _WHOLE.fullmatch(text) else None


def lines(header: Sequence[Any], rows: Iterable[tuple[int, Sequence[Any]]]) -> list[SheetLine]:
    """Every data row as a line (quantity as the file says: a delta, or a 실사 level), or
    SheetRejected with every problem of the file."""
    at = columns(header)
    label = {f: f"{str(header[i]).strip()}" for f, i in at.items()}
    errors: list[RowError] = []
    found: list[SheetLine] = []
    first_row: dict[str, int] = {}

    def cell(values: Sequence[Any], field: str) -> Any:
        index = at.get(field)
        return values[index] if index is not None and index < len(values) else None

    for seen, (number, values) in enumerate(rows, start=1):
        if seen > MAX_ROWS:
            errors.append(RowError(number, "-", f"more than {MAX_ROWS:,} rows; split the file"))
            break
        sku, quantity = _text(cell(values, "sku")), _whole(cell(values, "quantity"))
        note = _text(cell(values, "note")) or ""
        problems = []
        if sku is None:
            problems.append(("sku", "is a number Excel cannot keep exactly; format it as text"))
        elif not sku:
            problems.append(("sku", "is empty"))
        elif len(sku) > MAX_SKU:
            problems.append(("sku", f"is longer than {MAX_SKU} characters"))
        elif bad := _control(sku):
            problems.append(("sku", f"holds the control character {bad}; remove it"))
        elif sku in first_row:
            problems.append(("sku", f"{sku} is on row {first_row[sku]} already"))
        if quantity is None:
            shown = cell(values, "quantity")
            empty = shown is None or not str(shown).strip()
            why = "is empty" if empty else f"{str(shown)[:40]!r} is not a whole number"
            problems.append(("quantity", why))
        elif abs(quantity) > MAX_ON_HAND:
            problems.append(("quantity", f"{quantity:,} is over {MAX_ON_HAND:,}"))
        if len(note) > MAX_NOTE:
            problems.append(("note", f"is longer than {MAX_NOTE} characters"))
        elif bad := _control(note):
            problems.append(("note", f"holds the control character {bad}; remove it"))
        errors += [RowError(number, label[f], why) for f, why in problems]
        if sku and sku not in first_row:
            first_row[sku] = number
        if not problems and sku and quantity is not None:
            found.append(SheetLine(number, MoveLine(sku, quantity, note)))
    if errors:
        raise SheetRejected(errors)
    return found
