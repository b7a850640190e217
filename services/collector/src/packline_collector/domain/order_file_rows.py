"""A marketplace order file's rows read into the template's fields (which excel_orders.py turns
into orders), ids made as the API adapters make them; rows the file marks cancelled or past
shipping are skipped, each with its row and reason. A listing or option id read from a later
field than the source's first (not the API's id, e.g. Naver's option wording) is named in the
row's `stand_ins`, to be looked up from API orders (known_ids.py)."""

from collections.abc import Iterable, Iterator
from typing import Any

from packline_collector.domain import excel_cells as cells
from packline_collector.domain.excel_orders import Parsed
from packline_collector.domain.order_file_coupang import SOURCE as COUPANG
from packline_collector.domain.order_file_elevenst import SOURCE as ELEVENST
from packline_collector.domain.order_file_naver import SOURCE as NAVER
from packline_collector.domain.order_files import Recognised, Source, normalised

SOURCES: tuple[Source, ...] = (COUPANG, NAVER, ELEVENST)
# template field -> the source field it is read from (the same name unless listed)
_COPIED = (
    "order_id",
    "name",
    "mobile",
    "phone",
    "postcode",
    "address1",
    "address2",
    "product_name",
    "option_name",
    "seller_sku_code",
    "quantity",
    "amount",
    "shipping_fee",
    "message",
    "orderer_name",
)


def _first(values: dict[str, Any], fields: tuple[str, ...]) -> tuple[str, str]:
    """(field, its text) of the first of `fields` with a value."""
    for fld in fields:
        found = cells.text(values.get(fld))
        if found:
            return fld, found
    return (fields[0] if fields else ""), ""


def _skip_reason(source: Source, found: Recognised, values: dict[str, Any]) -> str:
    for skip in source.skips:
        value = cells.text(values.get(skip.field))
        if value and any(normalised(w) in normalised(value) for w in skip.words):
            return f"{skip.reason} ({found.headers[skip.field]}: {value})"
    if source.subtract and "quantity" in values:
        try:
            ordered = cells.whole(values["quantity"], 0)
            gone = sum(
                cells.whole(values[f], 0) for f in source.subtract if cells.text(values.get(f))
            )
        except cells.CellError:
            return ""  # the quantity's own problem is named when the row is read
        if gone and ordered - gone <= 0:
            names = ", ".join(found.headers[f] for f in source.subtract if f in found.headers)
            return f"cancelled on {source.marketplace.value} ({names})"
        if gone and ordered:  # what is left of the line's payment, as the API adapter reads it
            try:
                paid = cells.whole(values.get("amount"), 0)
                values["amount"] = paid * (ordered - gone) // ordered
            except cells.CellError:
                pass  # named when the row is read
        values["quantity"] = ordered - gone
    return ""


def rows_as_template(
    found: Recognised,
    rows: Iterable[tuple[int, list[Any]]],
    parsed: Parsed,
    skipped: list[dict[str, Any]],
) -> Iterator[tuple[int, dict[str, Any]]]:
    """The data rows below the header, as the template's fields; `parsed.headers` learns
    which of this file's headers each field came from, so problems name them."""
    source = found.source
    parsed.headers.update({f: h for f, h in found.headers.items()})
    if "paid_at" not in found.columns and "ordered_at" in found.headers:
        parsed.headers["paid_at"] = found.headers["ordered_at"]
    parsed.headers["line_id"] = found.headers.get(source.line_id[0], "")
    use_address2 = "address1" in found.primary
    for number, cells_of_row in rows:
        if number <= found.header_row:
            continue
        values = {
            f: cells_of_row[i] if i < len(cells_of_row) else None for f, i in found.columns.items()
        }
        reason = _skip_reason(source, found, values)
        if reason:
            skipped.append(
                {"row": number, "order": cells.text(values["order_id"]), "reason": reason}
            )
            continue
        out: dict[str, Any] = {f: values.get(f) for f in _COPIED}
        if not use_address2:
            out["address2"] = None
        out["marketplace"] = source.marketplace.value
        out["paid_at"] = values.get("paid_at") or values.get("ordered_at")
        parts = []
        for fld in source.line_id:
            try:
                parts.append(cells.identifier(values.get(fld)))
            except cells.CellError as exc:
                parsed.error(number, fld, str(exc))
        out["line_id"] = "-".join(parts)
        stand_ins = []
        for target, fields in (("listing_id", source.listing_id), ("option_id", source.option_id)):
            fld, text = _first(values, fields)
            out[target] = text
            parsed.headers.setdefault(target, found.headers.get(fld, fld))
            if text and fld != fields[0]:  # not the API's id: looked up from API orders later
                stand_ins.append(target)
        out["stand_ins"] = tuple(stand_ins)
        yield number, out
