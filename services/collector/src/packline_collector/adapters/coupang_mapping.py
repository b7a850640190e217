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


def _text(value: Any) -> str:
    """An optional text field: null, missing or empty all read as ""."""
    return "" if value is None else str(value)


def _part(box: dict[str, Any], key: str) -> dict[str, Any]:
    """A nested object; null, missing or not an object reads as empty."""
    part = box.get(key)
    return part if isinstance(part, dict) else {}


def _line(item: Any, n: int, box: str) -> tuple[dict[str, Any], int, int]:
    where = f"box {box}: orderItems[{n}]"
    if not isinstance(item, dict):
        raise MappingError(f"{where} is not an object")
    item_id = _text(item.get("vendorItemId"))
    if not item_id:
        raise MappingError(f"{where}.vendorItemId is missing")
    ordered = whole(item.get("shippingCount"), f"{where}.shippingCount")
    gone = whole(item.get("cancelCount"), f"{where}.cancelCount", 0) + whole(
        item.get("holdCountForCancel"), f"{where}.holdCountForCancel", 0
    )
    shippable = max(0, ordered - gone)
    unit = krw(item.get("salesPrice"), f"{where}.salesPrice")
    paid = krw(item.get("orderPrice"), f"{where}.orderPrice", unit * ordered) - krw(
        item.get("discountPrice"), f"{where}.discountPrice", 0
    )
    line = {
        "line_id": item_id,
        "listing_id": _text(item.get("sellerProductId")),
        "option_id": item_id,
        "product_name": _text(item.get("sellerProductName") or item.get("vendorItemName"))[:300],
        "option_name": _text(item.get("sellerProductItemName"))[:300],
        "seller_sku_code": _text(item.get("externalVendorSkuCode"))[:64],
        "quantity": shippable,
        "unit_price_krw": unit,
        "amount_krw": max(0, paid) * shippable // ordered if ordered else 0,
    }
    return line, shippable, gone


def read_box(box: Any, seller_id: str) -> RemoteOrder:
    if not isinstance(box, dict):
        raise MappingError("a box that is not an object")
    box_id = _text(box.get("shipmentBoxId"))
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
    status = _text(box.get("status"))
    state = AWAITING_SHIPMENT if status in AWAITING else ELSEWHERE
    if not lines:
        return RemoteOrder(
            ref,
            CANCELLED if state != ELSEWHERE else state,
            None,
            tuple(cancelled),
            "cancelCount/holdCountForCancel",
        )
    receiver = _part(box, "receiver")
    orderer = _part(box, "orderer")
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
                    "message": _text(box.get("parcelPrintMessage"))[:300],
                },
                "orderer_name": _text(orderer.get("name"))[:100],
                "marketplace_order_no": _text(box.get("orderId"))[:64],
                "lines": lines,
                "shipping_fee_krw": krw(
                    box.get("shippingPrice"), f"box {box_id}: shippingPrice", 0
                ),
            }
        )
    except ValidationError as exc:
        raise MappingError(f"box {box_id}: {field_errors(exc)}") from exc
    return RemoteOrder(ref, state, order, tuple(cancelled))
