"""Coupang's 반품/취소 receipts (returnRequests) read into the boxes they concern. Receipts are
listed by when they were made, so a claim on a box ordered long ago shows in a recent window:
cancels before 발주확인 (cancelType=CANCEL), release stops once INSTRUCT (RETURN, status RU),
and returns after shipping (RETURN: UC received, PR Coupang checking, CC completed)."""

from typing import Any

from packline_collector.domain.remote import MappingError

RETURN_STATUSES = ("RU", "UC", "PR", "CC")
QUERIES = (("CANCEL", ""), *(("RETURN", s) for s in RETURN_STATUSES))


def claimed_boxes(receipt: Any) -> tuple[str, list[str]]:
    """(receiptType, the shipmentBoxIds of its items); a receipt naming no box is a problem."""
    if not isinstance(receipt, dict):
        raise MappingError("a return/cancel receipt that is not an object")
    receipt_id = receipt.get("receiptId")
    kind = str(receipt.get("receiptType") or "")
    items = receipt.get("returnItems")
    boxes = [
        str(item.get("shipmentBoxId"))
        for item in (items if isinstance(items, list) else [])
        if isinstance(item, dict) and str(item.get("shipmentBoxId") or "").isdigit()
    ]
    if not boxes:
        raise MappingError(
            f"receipt {receipt_id} (order {receipt.get('orderId')}): returnItems name no shipmentBoxId"
        )
    return kind, list(dict.fromkeys(boxes))
