"""The marketplaces read again for lines we shipped or pushed (상태 불일치 check). Coupang has no
call that reads many boxes by id, but its order-sheet listing gives 50 boxes a call by status
and order date (≤31 days a call): with more boxes than listing calls, the boxes are found in
the listings of the six statuses over their order dates, and only a box no listing showed is
read by itself (ordersheets/{shipmentBoxId}); plus the return receipts of the period. Naver
reads 300 product orders a call. A box or product order that cannot be read is left out."""

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from packline_collector.adapters.coupang_claims import RETURN_STATUSES, claimed_boxes
from packline_collector.adapters.coupang_client import CoupangClient
from packline_collector.adapters.http_retry import MarketplaceError, MarketplaceUnavailable
from packline_collector.adapters.naver_client import NaverClient
from packline_collector.domain.mismatch import Observed, ShippedLine
from packline_collector.domain.push import LineKey
from packline_collector.domain.remote import MappingError

COUPANG_AWAITING = frozenset({"ACCEPT", "INSTRUCT"})
COUPANG_STATUSES = (
    "ACCEPT",
    "INSTRUCT",
    "DEPARTURE",
    "DELIVERING",
    "FINAL_DELIVERY",
    "NONE_TRACKING",
)
LISTING_DAYS = timedelta(days=30)  # ≤31 days a listing call; whole days are listed
NAVER_AWAITING = frozenset({"PAYED"})
NAVER_CANCELLED = frozenset({"CANCELED", "CANCELED_BY_NOPAYMENT", "RETURNED", "EXCHANGED"})
NAVER_CLAIMS = frozenset({"CANCEL", "RETURN", "ADMIN_CANCEL"})


def _int(value: Any) -> int:
    return value if isinstance(value, int) else int(value) if str(value or "").isdigit() else 0


class CoupangStatus:
    def __init__(self, client: CoupangClient) -> None:
        self.client = client

    async def _returned(self, since: datetime) -> set[str]:
        """Boxes with a release stop or a return receipt made since `since`."""
        boxes: set[str] = set()
        for status in RETURN_STATUSES:
            pages = self.client.return_requests(since, datetime.now(UTC), "RETURN", status, False)
            async for page in pages:
                for receipt in page:
                    try:
                        boxes.update(claimed_boxes(receipt)[1])
                    except MappingError:
                        continue
        return boxes

    async def _listed(self, lines: Sequence[ShippedLine]) -> dict[str, dict[str, Any] | None]:
        """The lines' boxes found in the status listings over their order dates, when that
        takes fewer calls than one per box (a box paid before its order date is not: a day's
        margin)."""
        wanted = {line.key.marketplace_order_id for line in lines}
        dates = [line.paid_at for line in lines if line.paid_at is not None]
        if not dates:
            return {}
        start, end = min(dates) - timedelta(days=1), datetime.now(UTC)
        windows = []
        while start <= end:
            windows.append((start, min(end, start + LISTING_DAYS)))
            start += LISTING_DAYS + timedelta(days=1)
        if len(wanted) <= len(windows) * len(COUPANG_STATUSES):
            return {}
        found: dict[str, dict[str, Any] | None] = {}
        for status in COUPANG_STATUSES:
            for w_start, w_end in windows:
                async for page in self.client.ordersheets(w_start, w_end, status, False):
                    for box in page:
                        box_id = str(box.get("shipmentBoxId"))
                        if box_id in wanted and isinstance(box, dict):
                            found[box_id] = box
        return found

    async def read(self, lines: Sequence[ShippedLine], since: datetime) -> dict[LineKey, Observed]:
        returned = await self._returned(since)
        seen: dict[LineKey, Observed] = {}
        boxes = await self._listed(lines)
        for line in lines:
            box_id = line.key.marketplace_order_id
            if box_id not in boxes:
                try:
                    boxes[box_id] = await self.client.ordersheet(box_id)
                except MarketplaceUnavailable:
                    raise
                except MarketplaceError:
                    boxes[box_id] = None
            box = boxes[box_id]
            if box is None:
                continue
            status = str(box.get("status") or "")
            items = [i for i in box.get("orderItems") or [] if isinstance(i, dict)]
            item = next((i for i in items if str(i.get("vendorItemId")) == line.key.line_id), {})
            held = _int(item.get("cancelCount")) + _int(item.get("holdCountForCancel")) > 0
            number = str(item.get("invoiceNumber") or box.get("invoiceNumber") or "")
            seen[line.key] = Observed(
                status=status,
                awaiting_shipment=status in COUPANG_AWAITING,
                cancelled=held or item.get("canceled") is True or box_id in returned,
                tracking_number=number,
            )
        return seen


class NaverStatus:
    def __init__(self, client: NaverClient) -> None:
        self.client = client

    async def read(self, lines: Sequence[ShippedLine], since: datetime) -> dict[LineKey, Observed]:
        ids = list(dict.fromkeys(line.key.marketplace_order_id for line in lines))
        rows = await self.client.product_orders(ids)
        by_id: dict[str, dict[str, Any]] = {}
        for row in rows:
            product_order = row.get("productOrder") if isinstance(row, dict) else None
            if isinstance(product_order, dict):
                by_id[str(product_order.get("productOrderId"))] = row
        seen: dict[LineKey, Observed] = {}
        for line in lines:
            found = by_id.get(line.key.marketplace_order_id)
            if found is None:
                continue
            product_order = found.get("productOrder") or {}
            delivery = found.get("delivery") or {}
            status = str(product_order.get("productOrderStatus") or "")
            seen[line.key] = Observed(
                status=status,
                awaiting_shipment=status in NAVER_AWAITING and not product_order.get("claimType"),
                cancelled=status in NAVER_CANCELLED
                or product_order.get("claimType") in NAVER_CLAIMS,
                tracking_number=str(delivery.get("trackingNumber") or ""),
            )
        return seen
