"""Spreadsheet rows into orders: rows sharing 판매처 + 주문번호 are one order's lines. Every
problem is named by row, column and what to do; any problem rejects the whole file."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pydantic import ValidationError

from packline_collector.domain import excel_cells as cells
from packline_collector.domain.excel_columns import COLUMNS, marketplace_of
from packline_collector.domain.orders import NewOrder
from packline_collector.domain.text_rules import control_character, problem

RECIPIENT = ("name", "mobile", "phone", "postcode", "address1", "address2")
# an order's field → the column it came from (for errors found when the order is built)
FROM_COLUMN = {
    "marketplace_order_id": "order_id",
    "ordered_at": "paid_at",
    "shipping_fee_krw": "shipping_fee",
    "amount_krw": "amount",
    "unit_price_krw": "amount",
    "orderer_name": "orderer_name",
}
MAX_ERRORS = 200


@dataclass
class Parsed:
    orders: list[NewOrder] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)
    notes: list[dict[str, Any]] = field(default_factory=list)
    error_count: int = 0
    rows: int = 0
    # field -> the header this file gives it (a marketplace's own file); else the template's
    headers: dict[str, str] = field(default_factory=dict)
    # (order uid, line id) -> its ids that are a marketplace file's stand-ins (known_ids.py)
    stand_ins: dict[tuple[str, str], frozenset[str]] = field(default_factory=dict)

    def column(self, fld: str) -> str:
        return self.headers.get(fld) or (COLUMNS[fld][0] if fld in COLUMNS else fld)

    def error(self, row: int, fld: str, problem: str) -> None:
        self.error_count += 1
        last = fld.rsplit(".", 1)[-1]
        fld = last if last in COLUMNS or last in self.headers else fld
        if len(self.errors) < MAX_ERRORS:
            self.errors.append({"row": row, "column": self.column(fld), "problem": problem})


def _read_row(
    values: dict[str, Any], row: int, parsed: Parsed, now: datetime
) -> dict[str, Any] | None:
    out: dict[str, Any] = {}
    readers: dict[str, Any] = {
        "marketplace": lambda v: marketplace_of(cells.text(v)),
        "order_id": cells.identifier,
        "paid_at": lambda v: cells.moment(v, now),
        "quantity": lambda v: cells.whole(v, 1),
        "amount": lambda v: cells.whole(v, 0),
        "shipping_fee": lambda v: cells.whole(v, 0) if cells.text(v) else 0,
        "mobile": cells.phone,
        "phone": cells.phone,
        "postcode": cells.postcode,
    }
    ok = True
    for fld in COLUMNS:
        value = values.get(fld)
        char = control_character(value) if isinstance(value, str) else None
        if char is not None:
            parsed.error(row, fld, problem(char))
            ok = False
            continue
        try:
            found = readers.get(fld, cells.text)(value)
        except ValueError as exc:  # CellError and unknown marketplaces
            parsed.error(row, fld, str(exc))
            ok = False
            continue
        if isinstance(found, tuple):
            found, note = found
            if note:
                parsed.notes.append({"row": row, "column": parsed.column(fld), "note": note})
        out[fld] = found
    out["line_id"] = cells.text(values.get("line_id"))  # a marketplace file's own line id
    out["stand_ins"] = frozenset(values.get("stand_ins") or ())
    for fld in ("order_id", "name", "address1", "product_name"):
        if ok and not out.get(fld):
            parsed.error(row, fld, "empty; this column is required")
            ok = False
    if ok and not out.get("mobile") and not out.get("phone"):
        parsed.error(row, "mobile", "empty; give the recipient's mobile or phone number")
        ok = False
    return out if ok else None


def parse_rows(
    seller_id: str,
    rows: Iterable[tuple[int, dict[str, Any]]],
    now: datetime,
    parsed: Parsed | None = None,
) -> Parsed:
    parsed = parsed or Parsed()
    groups: dict[tuple[str, str], list[tuple[int, dict[str, Any]]]] = {}
    for row, values in rows:
        parsed.rows += 1
        found = _read_row(values, row, parsed, now)
        if found is not None:
            groups.setdefault((found["marketplace"].value, found["order_id"]), []).append(
                (row, found)
            )
    for rows_of_order in groups.values():
        first_row, first = rows_of_order[0]
        for row, other in rows_of_order[1:]:
            for fld in RECIPIENT:
                if other[fld] != first[fld]:
                    parsed.error(
                        row,
                        fld,
                        f"differs from row {first_row} of the same 주문번호; one order has one recipient",
                    )
        lines = [
            {
                "line_id": v["line_id"] or str(n),
                "listing_id": (v["listing_id"] or v["product_name"])[:64],
                "option_id": (v["option_id"] or v["option_name"])[:64],
                "product_name": v["product_name"][:300],
                "option_name": v["option_name"][:300],
                "seller_sku_code": v["seller_sku_code"][:64],
                "quantity": v["quantity"],
                "unit_price_krw": -(-v["amount"] // v["quantity"]),  # rounded up: adds up
                "amount_krw": v["amount"],
            }
            for n, (_, v) in enumerate(rows_of_order, start=1)
        ]
        try:
            order = NewOrder.model_validate(
                {
                    "seller_id": seller_id,
                    "marketplace": first["marketplace"],
                    "marketplace_order_id": first["order_id"],
                    "ordered_at": first["paid_at"],
                    "paid_at": first["paid_at"],
                    "orderer_name": first["orderer_name"][:100],
                    "recipient": {f: first[f] for f in RECIPIENT}
                    | {"message": first["message"][:300]},
                    "lines": lines,
                    "shipping_fee_krw": first["shipping_fee"],
                }
            )
            parsed.orders.append(order)
            for line, (_, v) in zip(order.lines, rows_of_order, strict=True):
                if v["stand_ins"]:
                    parsed.stand_ins[(order.ref.uid, line.line_id)] = v["stand_ins"]
        except ValidationError as exc:
            for e in exc.errors()[:5]:
                field = (e.get("ctx") or {}).get("field")  # a control character's field
                loc = (
                    tuple(int(p) if p.isdigit() else p for p in field.split("."))
                    if field
                    else e["loc"]
                )
                row, fld = _where(loc, [r for r, _ in rows_of_order])
                parsed.error(row, fld, e["msg"])
    return parsed


def _where(loc: tuple[int | str, ...], rows: list[int]) -> tuple[int, str]:
    """The row and column of a field of the order built from `rows` (a line is one row)."""
    row = rows[0]
    if len(loc) >= 2 and loc[0] == "lines" and isinstance(loc[1], int) and loc[1] < len(rows):
        row = rows[loc[1]]
    last = str(loc[-1]) if loc else ""
    if len(loc) == 2 and loc[0] == "lines":
        last = "amount"  # the line as a whole: its total does not add up
    return row, FROM_COLUMN.get(last, last)
