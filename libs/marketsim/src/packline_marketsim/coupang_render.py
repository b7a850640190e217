"""A Coupang shipment box as the order-sheet API writes it: v4 money as integers and Seoul times
without an offset, v5 money as `{currencyCode, units, nanos}` and times with `+09:00`."""

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from packline_marketsim import sparse
from packline_marketsim.coupang_state import CoupangBox

SEOUL = ZoneInfo("Asia/Seoul")


def _money(amount: int, version: int) -> Any:
    return amount if version == 4 else {"currencyCode": "KRW", "units": amount, "nanos": 0}


def _time(moment: datetime, version: int) -> str:
    local = moment.astimezone(SEOUL).replace(microsecond=0)
    return local.isoformat() if version == 5 else local.replace(tzinfo=None).isoformat()


def render(box: CoupangBox, version: int, malformed: bool = False) -> dict[str, Any]:
    """One element of `data`: v4 writes money as integers and Seoul times without an offset;
    v5 writes `{currencyCode, units, nanos}` and `+09:00`."""
    items = []
    for i in box.items:
        prices = {
            "salesPrice": i.sales_price,
            "orderPrice": i.sales_price * i.shipping_count,
            "discountPrice": 0,
            "instantCouponDiscount": 0,
        }
        items.append(
            {
                "vendorItemPackageId": 0,
                "vendorItemId": int(i.vendor_item_id),
                "vendorItemName": i.vendor_item_name,
                "shippingCount": i.shipping_count,
                **{k: _money(v, version) for k, v in prices.items()},
                "cancelCount": i.cancel_count,
                "holdCountForCancel": i.hold_count_for_cancel,
                "canceled": i.cancel_count >= i.shipping_count,
                "sellerProductId": int(i.seller_product_id),
                "sellerProductName": i.seller_product_name,
                "sellerProductItemName": i.seller_product_item_name,
                "externalVendorSkuCode": i.external_vendor_sku_code,
                "estimatedShippingDate": box.paid_at.astimezone(SEOUL).date().isoformat(),
                "invoiceNumber": i.invoice_number,
            }
        )
    row: dict[str, Any] = {
        "shipmentBoxId": box.shipment_box_id,
        "orderId": box.order_id,
        "orderedAt": _time(box.ordered_at, version),
        "paidAt": _time(box.paid_at, version),
        "status": box.status,
        "orderer": dict(box.orderer),
        "receiver": dict(box.receiver),
        "parcelPrintMessage": box.message,
        "shippingPrice": _money(box.shipping_price, version),
        "remotePrice": _money(0, version),
        "remoteArea": False,
        "splitShipping": False,
        "ableSplitShipping": False,
        "orderItems": items,
        "deliveryCompanyName": box.delivery_company_code,
        "invoiceNumber": box.invoice_number,
        "refer": "안드로이드앱",
        "shipmentType": "THIRD_PARTY",
    }
    if box.sparse:
        sparse.coupang(row, box.shipment_box_id)
    if malformed:  # what a broken row from a real gateway looks like: a field lost its type
        (row.get("receiver") or {}).pop("addr1", None)
        row["orderItems"][0]["shippingCount"] = "one"
    return row
