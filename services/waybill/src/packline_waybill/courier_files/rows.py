"""One parcel as a courier file row: ExportRow and the text each template field takes from it."""

import re
from dataclasses import dataclass

from packline_waybill.courier_files.templates import Column

ITEM_SUMMARY_MAX = 60  # characters; couriers print the 품목명 on a label line of about this size
# Columns Excel would turn into numbers (dropping leading zeros, 5.2E+11): always text cells.
TEXT_FIELDS = frozenset(
    {"reference", "phone", "mobile", "postcode", "tracking_number", "sender_phone"}
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class ExportRow:
    """One parcel as the waybill service hands it over (recipient data: never log it)."""

    reference: str  # our parcel reference, e.g. "P-20261201-000123"
    recipient_name: str
    phone: str
    mobile: str | None
    postcode: str
    address: str
    address_detail: str | None
    items: tuple[tuple[str, int], ...]  # (item name, quantity)
    message: str | None
    sender_name: str
    sender_phone: str
    sender_address: str


def item_summary(items: tuple[tuple[str, int], ...], limit: int = ITEM_SUMMARY_MAX) -> str:
    """ "티셔츠 x2, 양말 x3", cut to `limit` characters as "티셔츠 x2 외 1건"."""
    parts = [f"{name.strip()} x{quantity}" for name, quantity in items]
    if not parts:
        return ""
    text = parts[0]
    for shown in range(len(parts), 0, -1):
        rest = len(parts) - shown
        text = ", ".join(parts[:shown]) + (f" 외 {rest}건" if rest else "")
        if len(text) <= limit or shown == 1:
            break
    if len(text) > limit:  # one item whose name alone is too long
        suffix = text[len(parts[0]) :]
        quantity = f" x{items[0][1]}"
        name = parts[0][: -len(quantity)]
        keep = max(1, limit - len(suffix) - len(quantity) - 1)
        text = name[:keep] + "…" + quantity + suffix
    return text


def cell_text(column: Column, row: ExportRow) -> str | int:
    """The value of one column for one parcel; quantities are numbers, everything else text.
    Control characters (that marketplaces let through) are dropped: no spreadsheet holds them."""
    value = _value(column, row)
    return _CONTROL.sub("", value) if isinstance(value, str) else value


def _value(column: Column, row: ExportRow) -> str | int:
    match column.field:
        case "reference":
            return row.reference
        case "recipient_name":
            return row.recipient_name
        case "phone":
            return row.phone
        case "mobile":
            return row.mobile or ""
        case "postcode":
            return row.postcode
        case "address_full":
            return " ".join(p for p in (row.address, row.address_detail or "") if p.strip())
        case "address_base":
            return row.address
        case "address_detail":
            return row.address_detail or ""
        case "item_summary":
            return item_summary(row.items)
        case "item_quantity":
            return sum(quantity for _, quantity in row.items)
        case "message":
            return row.message or ""
        case "sender_name":
            return row.sender_name
        case "sender_phone":
            return row.sender_phone
        case "sender_address":
            return row.sender_address
        case "box_count":
            count = column.value or "1"
            return int(count) if count.isdigit() else count
        case "tracking_number":
            return ""  # the courier fills it in
        case _:  # box_type, freight, blank: the template's constant
            return column.value or ""
