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


def needs_confirmation(row: dict[str, Any]) -> bool:
    po = row.get("productOrder") or {}
    return (
        po.get("productOrderStatus") == "PAYED"
        and po.get("placeOrderStatus") == "NOT_YET"
        and not po.get("claimStatus")
    )


def read_product_order(row: dict[str, Any], seller_id: str) -> RemoteOrder:
    po = row.get("productOrder") or {}
    order = row.get("order") or {}
    po_id = str(po.get("productOrderId") or "")
    if not po_id.isdigit():
        raise MappingError("a product order without a numeric productOrderId")
    ref = OrderRef(seller_id=seller_id, marketplace=Marketplace.NAVER, marketplace_order_id=po_id)
    status = str(po.get("productOrderStatus", ""))
    claim = str(po.get("claimStatus") or (row.get("currentClaim") or {}).get("claimStatus") or "")
    if status in CANCELLED_STATUSES or claim in LIVE_CLAIMS:
        return RemoteOrder(ref, CANCELLED, None, (po_id,), claim or status)
    if status != "PAYED":
        return RemoteOrder(ref, ELSEWHERE, None)
    where = f"product order {po_id}"
    quantity = whole(po.get("quantity"), f"{where}: quantity")
    address = po.get("shippingAddress") or {}
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
                    "message": str(po.get("shippingMemo") or "")[:300],
                },
                "orderer_name": str(order.get("ordererName") or "")[:100],
                "lines": [
                    {
                        "line_id": po_id,
                        "listing_id": str(po.get("productId") or ""),
                        "option_id": str(po.get("optionCode") or ""),
                        "product_name": str(po.get("productName") or "")[:300],
                        "option_name": str(po.get("productOption") or "")[:300],
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
                    po.get("deliveryFeeAmount", 0), f"{where}: deliveryFeeAmount"
                ),
            }
        )
    except ValidationError as exc:
        raise MappingError(f"{where}: {field_errors(exc)}") from exc
    return RemoteOrder(ref, AWAITING_SHIPMENT, new)
