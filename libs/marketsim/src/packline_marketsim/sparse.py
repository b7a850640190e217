"""Real payloads are null-ridden: every field the marketplace docs mark optional may come as
null or not at all. A seeded share of orders is rendered that way (each field, null or missing,
chosen from the order's own id, so a re-read looks the same). What identifies the order, the
item bought, its quantity, price and the recipient's name and main address always stays."""

import random
from typing import Any

COUPANG_BOX = (
    "parcelPrintMessage",
    "shippingPrice",
    "remotePrice",
    "remoteArea",
    "splitShipping",
    "ableSplitShipping",
    "deliveryCompanyName",
    "invoiceNumber",
    "refer",
    "paidAt",
)
COUPANG_ORDERER = ("email", "safeNumber", "ordererNumber")
COUPANG_RECEIVER = ("receiverNumber", "addr2")
COUPANG_ITEM = (
    "vendorItemPackageId",
    "vendorItemName",
    "orderPrice",
    "discountPrice",
    "instantCouponDiscount",
    "cancelCount",
    "holdCountForCancel",
    "canceled",
    "sellerProductItemName",
    "externalVendorSkuCode",
    "estimatedShippingDate",
    "invoiceNumber",
)
NAVER_ORDER = ("ordererTel", "orderDate")
NAVER_PRODUCT_ORDER = (
    "productOption",
    "optionManageCode",
    "sellerProductCode",
    "remainQuantity",
    "totalProductAmount",
    "deliveryFeeAmount",
    "packageNumber",
    "shippingMemo",
    "claimType",
    "claimStatus",
)
ESM_ORDER = (
    "GroupNo",
    "OrderDate",
    "OrderConfirmDate",
    "TransDate",
    "TransDueDate",
    "OutGoodsNo",
    "BuyerId",
    "BuyerMobileTel",
    "TelNo",
    "DelBackAddress",
    "DelFullAddress",
    "DelMemo",
    "TakbaeName",
    "NoSongjang",
    "ShippingFee",
    "ItemOptionSelectList",
    "ItemOptionAdditionList",
)
NAVER_ADDRESS = ("tel2", "detailedAddress", "buildingManagementNo", "isRoadNameAddress")
# amounts, counts, flags, a box's invoice and an order's claim are left out only when they do
# not apply (zero, false, empty): a real API does not hide a number it holds or a claim it made
ZERO_ONLY = {
    "deliveryCompanyName",
    "invoiceNumber",
    "claimType",
    "claimStatus",
    "shippingPrice",
    "remotePrice",
    "discountPrice",
    "instantCouponDiscount",
    "cancelCount",
    "holdCountForCancel",
    "canceled",
    "remoteArea",
    "splitShipping",
    "ableSplitShipping",
    "deliveryFeeAmount",
    "TakbaeName",
    "NoSongjang",
    "ItemOptionSelectList",
    "ShippingFee",
}


def _zero(value: Any) -> bool:
    if isinstance(value, dict):  # v5 money
        return not value.get("units") and not value.get("nanos")
    if isinstance(value, str) and value.replace(".", "").isdigit():  # ESM "0.0000"
        return not float(value)
    return not value


def chosen(seed: int, order_id: str, share: float) -> bool:
    """Whether this order is one of the share rendered sparse (same answer every time)."""
    return random.Random(f"sparse:{seed}:{order_id}").random() < share


def _blank(part: dict[str, Any] | None, keys: tuple[str, ...], rng: random.Random) -> None:
    if not isinstance(part, dict):
        return
    for key in keys:
        if key not in part or (key in ZERO_ONLY and not _zero(part[key])):
            continue
        if rng.random() < 0.3:
            del part[key]
        else:
            part[key] = None


def coupang(row: dict[str, Any], box_id: int) -> dict[str, Any]:
    rng = random.Random(f"coupang:{box_id}")
    _blank(row, COUPANG_BOX, rng)
    _blank(row.get("orderer"), COUPANG_ORDERER, rng)
    _blank(row.get("receiver"), COUPANG_RECEIVER, rng)
    for item in row.get("orderItems") or []:
        _blank(item, COUPANG_ITEM, rng)
    return row


def naver(row: dict[str, Any], product_order_id: str) -> dict[str, Any]:
    rng = random.Random(f"naver:{product_order_id}")
    _blank(row.get("order"), NAVER_ORDER, rng)
    product_order = row.get("productOrder")
    _blank(product_order, NAVER_PRODUCT_ORDER, rng)
    if isinstance(product_order, dict):
        _blank(product_order.get("shippingAddress"), NAVER_ADDRESS, rng)
    for key in ("delivery", "currentClaim"):
        if row.get(key) is None and rng.random() < 0.3:
            row.pop(key, None)
    return row


def esm(row: dict[str, Any], order_no: int) -> dict[str, Any]:
    _blank(row, ESM_ORDER, random.Random(f"esm:{order_no}"))
    return row
