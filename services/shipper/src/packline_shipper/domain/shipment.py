"""The Shipped fact of a scanned parcel: its live orders and the stock that left, per SKU."""

from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING

from packline_contracts import MatchedLine, Shipped, ShippedOrder, SkuLine

if TYPE_CHECKING:
    from packline_shipper.domain.parcel import Parcel, ParcelMember


def stock_out(matched_lines: Iterable[MatchedLine]) -> tuple[SkuLine, ...]:
    """Quantities summed per SKU (a set sold in two orders leaves as one line), sorted by SKU."""
    totals: Counter[str] = Counter()
    for line in matched_lines:
        for sku_line in line.skus:
            totals[sku_line.sku] += sku_line.quantity
    return tuple(SkuLine(sku=sku, quantity=qty) for sku, qty in sorted(totals.items()))


def remaining_lines(
    matched_lines: Iterable[MatchedLine], units: Mapping[str, int], cancelled: Mapping[str, int]
) -> tuple[MatchedLine, ...]:
    """부분취소: the SKUs of the units not cancelled, each line shrunk in proportion (a line of
    3 units needing 6 B, 1 cancelled: 4 B); a line with nothing left is gone."""
    kept = []
    for line in matched_lines:
        total = units.get(line.line_id, 0)
        gone = min(cancelled.get(line.line_id, 0), total)
        if not gone:
            kept.append(line)
            continue
        skus = tuple(
            SkuLine(sku=s.sku, quantity=s.quantity * (total - gone) // total)
            for s in line.skus
            if s.quantity * (total - gone) // total > 0
        )
        if skus:
            kept.append(MatchedLine(line_id=line.line_id, skus=skus))
    return tuple(kept)


def _lines_left(member: "ParcelMember") -> tuple[str, ...]:
    """The lines with a unit left to ship (a line cancelled whole gets no tracking push)."""
    left = tuple(
        line_id
        for line_id in member.line_ids
        if member.line_units.get(line_id, 1) > member.cancelled_units.get(line_id, 0)
    )
    return left or member.line_ids


def shipped_event(parcel: "Parcel", at: datetime) -> Shipped:
    live = parcel.live_members
    return Shipped(
        seller_id=parcel.seller_id,
        correlation_id=parcel.correlation_id,
        causation_id=parcel.waybill_event_id,
        bundle_id=parcel.bundle_id,
        parcel_id=parcel.parcel_id,
        courier_code=parcel.courier_code,
        tracking_number=parcel.tracking_number,
        shipped_at=at,
        orders=tuple(
            ShippedOrder(order=m.order, line_ids=_lines_left(m), push_status="PENDING")
            for m in live
        ),
        stock_out=stock_out(line for m in live for line in m.shipping_lines),
    )
