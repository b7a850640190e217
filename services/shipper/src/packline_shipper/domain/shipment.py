"""The Shipped fact of a scanned parcel: its live orders and the stock that left, per SKU."""

from collections import Counter
from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING

from packline_contracts import MatchedLine, Shipped, ShippedOrder, SkuLine

if TYPE_CHECKING:
    from packline_shipper.domain.parcel import Parcel


def stock_out(matched_lines: Iterable[MatchedLine]) -> tuple[SkuLine, ...]:
    """Quantities summed per SKU (a set sold in two orders leaves as one line), sorted by SKU."""
    totals: Counter[str] = Counter()
    for line in matched_lines:
        for sku_line in line.skus:
            totals[sku_line.sku] += sku_line.quantity
    return tuple(SkuLine(sku=sku, quantity=qty) for sku, qty in sorted(totals.items()))


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
            ShippedOrder(order=m.order, line_ids=m.line_ids, push_status="PENDING") for m in live
        ),
        stock_out=stock_out(line for m in live for line in m.matched_lines),
    )
