"""A Naver product order (상품주문) read into a RemoteOrder: one order per productOrderId."""

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

CANCELLED_STATUSES = {"CANCELED", "CANCELED_BY_NOPAYMENT", "RETURNED", "EXCHANGED"}
# a cancel claim stops the shipment until it is withdrawn or rejected
LIVE_CLAIMS = {"CANCEL_REQUEST", "CANCELING", "CANCEL_DONE"}
# a return claim (반품) on what has left: RETURN_REQUEST, COLLECTING, COLLECT_DONE, ...
RETURN_CLAIM = "RETURN"


def _part(row: Any, key: str) -> dict[str, Any]:
    """A nested object; null, missing or not an object reads as empty."""
    part = row.get(key) if isinstance(row, dict) else None
    return part if isinstance(part, dict) else {}


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _building_no(value: Any) -> str:
    """Naver's buildingManagementNo (건물관리번호, 25 digits): kept when it reads as one, else
    dropped (it only sharpens the 합포 comparison; an odd value must not refuse the order)."""
    digits = "".join(c for c in _text(value) if c.isdigit())
    return digits if 20 <= len(digits) <= 32 else ""


def _road_flag(value: Any) -> bool | None:
    """isRoadNameAddress: a JSON boolean (or its text); anything else is unknown."""
    if isinstance(value, bool):
        return value
    return {"true": True, "false": False}.get(_text(value).strip().lower())


def needs_confirmation(row: Any) -> bool:
    po = _part(row, "productOrder")
    return (
        po.get("productOrderStatus") == "PAYED"
        and po.get("placeOrderStatus") == "NOT_YET"
        and not po.get("claimStatus")
    )


def read_product_order(row: Any, seller_id: str) -> RemoteOrder:
    po = _part(row, "productOrder")
    order = _part(row, "order")
    po_id = _text(po.get("productOrderId"))
    if not po_id.isdigit():
        raise MappingError("a product order without a numeric productOrderId")
    ref = OrderRef(seller_id=seller_id, marketplace=Marketplace.NAVER, marketplace_order_id=po_id)
    status = _text(po.get("productOrderStatus"))
    claim = _text(po.get("claimStatus") or _part(row, "currentClaim").get("claimStatus"))
    if status in CANCELLED_STATUSES or claim in LIVE_CLAIMS:
        return RemoteOrder(ref, CANCELLED, None, (po_id,), claim or status)
    if status != "PAYED":
        claim_type = _text(po.get("claimType") or _part(row, "currentClaim").get("claimType"))
        returned = claim_type == RETURN_CLAIM and claim not in ("RETURN_REJECT", "")
        return RemoteOrder(ref, ELSEWHERE, None, claim=claim, returned=returned)
    where = f"product order {po_id}"
    quantity = whole(po.get("quantity"), f"{where}: quantity")
    address = _part(po, "shippingAddress")
    try:
        new = NewOrder.model_validate(
            {
                "seller_id": seller_id,
                "marketplace": "NAVER",
                "marketplace_order_id": po_id,
                "ordered_at": order.get("orderDate") or order.get("paymentDate"),
                "paid_at": order.get("paymentDate"),
                "recipient": {
                    "name": address.get("name") or "",
                    "phone": address.get("tel2") or "",
                    "mobile": address.get("tel1") or "",
                    "postcode": address.get("zipCode") or "",
                    "address1": address.get("baseAddress") or "",
                    "address2": address.get("detailedAddress") or "",
                    "message": _text(po.get("shippingMemo"))[:300],
                    "building_management_no": _building_no(address.get("buildingManagementNo")),
                    "road_name_address": _road_flag(address.get("isRoadNameAddress")),
                },
                "orderer_name": _text(order.get("ordererName"))[:100],
                "lines": [
                    {
                        "line_id": po_id,
                        "listing_id": _text(po.get("productId")),
                        "option_id": _text(po.get("optionCode")),
                        "product_name": _text(po.get("productName"))[:300],
                        "option_name": _text(po.get("productOption"))[:300],
                        "seller_sku_code": str(
                            po.get("sellerProductCode") or po.get("optionManageCode") or ""
                        )[:64],
                        "quantity": quantity,
                        "unit_price_krw": krw(po.get("unitPrice"), f"{where}: unitPrice"),
                        "amount_krw": krw(
                            po.get("totalPaymentAmount"), f"{where}: totalPaymentAmount"
                        ),
                    }
                ],
                "shipping_fee_krw": krw(
                    po.get("deliveryFeeAmount"), f"{where}: deliveryFeeAmount", 0
                ),
            }
        )
    except ValidationError as exc:
        raise MappingError(f"{where}: {field_errors(exc)}") from exc
    return RemoteOrder(ref, AWAITING_SHIPMENT, new)
