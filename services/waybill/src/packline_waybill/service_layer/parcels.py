"""What a parcel carries, as a courier file row, a booking or a label needs it: its live orders,
the recipient its label must name, an item summary, and the sender."""

from collections.abc import Sequence
from dataclasses import dataclass

from packline_contracts import BundleMember, OrderRecipientChanged, Recipient
from packline_waybill.adapters.repository import ParcelRecord
from packline_waybill.domain.waybill import latest_recipient


@dataclass(frozen=True)
class Sender:
    name: str
    phone: str
    address: str
    postcode: str = ""


def live_members(record: ParcelRecord) -> list[BundleMember]:
    members = record.source.members if record.source else ()
    return [m for m in members if record.waybill.cancelled.get(m.order.uid) is False]


def recipient_of(record: ParcelRecord, changes: Sequence[OrderRecipientChanged]) -> Recipient:
    """The buyer's latest word for the whole parcel, else the recipient it was made with."""
    wanted = latest_recipient(live_members(record), changes)
    if wanted is not None:
        return wanted
    if record.recipient is not None:
        return record.recipient
    if record.source is not None:
        return record.source.recipient
    raise ValueError(f"parcel {record.parcel_id} has no recipient on record")


def items_of(record: ParcelRecord) -> tuple[tuple[str, int], ...]:
    """(name, quantity) per order line: product and option name as the buyer saw them, less the
    units decided cancelled at the shipping line (부분취소); a line with none left is gone."""
    items: list[tuple[str, int]] = []
    for member in live_members(record):
        cancelled = record.cancelled_units.get(member.order.uid, {})
        for line in member.lines:
            left = line.quantity - cancelled.get(line.line_id, 0)
            if left < 1:
                continue
            name = " ".join(p for p in (line.product_name, line.option_name) if p).strip()
            items.append((name or line.listing_id, left))
    return tuple(items)
