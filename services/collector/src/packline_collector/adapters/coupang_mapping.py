"""A Coupang shipment box (v4 or v5) read into a RemoteOrder: one order per shipmentBoxId."""

from typing import Any

from pydantic import ValidationError

from packline_collector.adapters.money import field_errors, krw, whole
from packline_collector.domain.orders import NewOrder
from packline_collector.domain.remote import (
    AWAITING_SHIPMENT,
    CANCELLED,
    ELSEWHERE,
    MappingError,
    RemoteOrder,
)
from packline_contracts import Marketplace, OrderRef

AWAITING = {"ACCEPT", "INSTRUCT"}


def _line(item: dict[str, Any], n: int, box: str) -> tuple[dict[str, Any], int, int]:
    where = f"box {box}: orderItems[{n}]"
    ordered = whole(item.get("shippingCount"), f"{where}.shippingCount")
    gone = whole(item.get("cancelCount", 0), f"{where}.cancelCount") + whole(
        item.get("holdCountForCancel", 0), f"{where}.holdCountForCancel"
    )
    shippable = max(0, ordered - gone)
    unit = krw(item.get("salesPrice"), f"{where}.salesPrice")
    paid = krw(item.get("orderPrice", unit * ordered), f"{where}.orderPrice") - krw(
        item.get("discountPrice", 0), f"{where}.discountPrice"
    )
    line = {
        "line_id": str(item.get("vendorItemId", "")),
        "listing_id": str(item.get("sellerProductId", "")),
        "option_id": str(item.get("vendorItemId", "")),
        "product_name": str(item.get("sellerProductName") or item.get("vendorItemName") or "")[
            :300
        ],
        "option_name": str(item.get("sellerProductItemName") or "")[:300],
        "seller_sku_code": str(item.get("externalVendorSkuCode") or "")[:64],
        "quantity": shippable,
        "unit_price_krw": unit,
        "amount_krw": max(0, paid) * shippable // ordered if ordered else 0,
    }
    return line, shippable, gone


def read_box(box: dict[str, Any], seller_id: str) -> RemoteOrder:
    box_id = str(box.get("shipmentBoxId") or "")
    if not box_id.isdigit():
        raise MappingError("a box without a numeric shipmentBoxId")
    ref = OrderRef(
        seller_id=seller_id, marketplace=Marketplace.COUPANG, marketplace_order_id=box_id
    )
    items = box.get("orderItems")
    if not isinstance(items, list) or not items:
        raise MappingError(f"box {box_id}: orderItems is missing or empty")
    lines, cancelled = [], []
    for n, item in enumerate(items):
        line, shippable, gone = _line(item, n, box_id)
        if gone:
            cancelled.append(line["line_id"])
        if shippable:
            lines.append(line)
    status = str(box.get("status", ""))
    state = AWAITING_SHIPMENT if status in AWAITING else ELSEWHERE
    if not lines:
        return RemoteOrder(
            ref,
            CANCELLED if state != ELSEWHERE else state,
            None,
            tuple(cancelled),
            "cancelCount/holdCountForCancel",
        )
    receiver = box.get("receiver") or {}
    orderer = box.get("orderer") or {}
    try:
        order = NewOrder.model_validate(
            {
                "seller_id": seller_id,
                "marketplace": "COUPANG",
                "marketplace_order_id": box_id,
                "ordered_at": box.get("orderedAt"),
                "paid_at": box.get("paidAt") or box.get("orderedAt"),
                "recipient": {
                    "name": receiver.get("name") or "",
                    "phone": receiver.get("receiverNumber") or "",
                    "mobile": receiver.get("safeNumber") or "",
                    "postcode": receiver.get("postCode") or "",
                    "address1": receiver.get("addr1") or "",
                    "address2": receiver.get("addr2") or "",
                    "message": str(box.get("parcelPrintMessage") or "")[:300],
                },
                "orderer_name": str(orderer.get("name") or "")[:100],
                "marketplace_order_no": str(box.get("orderId") or "")[:64],
                "lines": lines,
                "shipping_fee_krw": krw(
                    box.get("shippingPrice", 0), f"box {box_id}: shippingPrice"
                ),
            }
        )
    except ValidationError as exc:
        raise MappingError(f"box {box_id}: {field_errors(exc)}") from exc
    return RemoteOrder(ref, state, order, tuple(cancelled))
