"""Coupang invoice upload (송장업로드): one row per vendorItemId, only for INSTRUCT boxes; and
invoice update (송장업데이트): another number for an item already uploaded, only for boxes
DEPARTURE, DELIVERING, FINAL_DELIVERY or NONE_TRACKING (the WING docs' rule)."""

from collections.abc import Callable
from typing import Any

from packline_marketsim.coupang_state import CoupangBox

COURIERS = {
    *("CJGLS", "HYUNDAI", "HANJIN", "KGB", "EPOST", "KDEXP", "DAESIN", "ILYANG", "CHUNIL"),
    *("CVS", "HDEXP"),
}
MESSAGES = {
    "NOT_FOUND": "존재하지 않는 배송번호입니다.",
    "INVALID_VENDOR_ITEM_ID": "배송번호에 없는 옵션입니다.",
    "ORDER_DELIVERY_CANCELED": "취소(또는 취소요청)된 주문입니다.",
    "NOT_ALLOW_INVOICE_NUMBER_RE_UPLOAD": "이미 송장이 등록된 주문입니다. 송장 수정을 이용하세요.",
    "INVALID_STATUS": "상품준비중(INSTRUCT) 상태에서만 송장을 등록할 수 있습니다.",
    "INVALID_ORDER_ID": "배송번호와 주문번호가 일치하지 않습니다.",
    "INVALID_INVOICE": "유효하지 않은 택배사 코드 또는 송장번호입니다.",
    "DUPLICATE_INVOICE_NUMBER": "다른 주문에 이미 사용된 송장번호입니다.",
    "NO_INVOICE_TO_UPDATE": "등록된 송장이 없습니다. 송장 업로드를 이용하세요.",
}
UPDATABLE = frozenset({"DEPARTURE", "DELIVERING", "FINAL_DELIVERY", "NONE_TRACKING"})
# (shipmentBoxId, vendorItemId, deliveryCompanyCode, invoiceNumber, resultCode)
Recorder = Callable[[str, str, str, str, str], None]


def _who(box: CoupangBox) -> tuple[str, str, str]:
    r = box.receiver
    return (box.orderer.get("name", ""), r.get("name", ""), f"{r.get('addr1')} {r.get('addr2')}")


def _result(
    row: dict[str, Any],
    boxes: dict[int, CoupangBox],
    used: dict[str, CoupangBox],
    update: bool = False,
) -> str:
    box_id = str(row.get("shipmentBoxId", ""))
    box = boxes.get(int(box_id)) if box_id.isdigit() else None
    number = str(row.get("invoiceNumber", ""))
    if box is None:
        return "NOT_FOUND"
    item = next(
        (i for i in box.items if str(i.vendor_item_id) == str(row.get("vendorItemId"))), None
    )
    if item is None:
        return "INVALID_VENDOR_ITEM_ID"
    if item.cancel_count + item.hold_count_for_cancel >= item.shipping_count:
        return "ORDER_DELIVERY_CANCELED"
    if update and not item.invoice_number:
        return "NO_INVOICE_TO_UPDATE"  # the simulator's code: the docs name none for it
    if update and box.status not in UPDATABLE:
        return "INVALID_STATUS"
    if not update and item.invoice_number:
        return "NOT_ALLOW_INVOICE_NUMBER_RE_UPLOAD"
    if not update and box.status != "INSTRUCT":
        return "INVALID_STATUS"
    if str(row.get("orderId", "")) != str(box.order_id):
        return "INVALID_ORDER_ID"  # the call names the box's order as well (unverified code)
    if row.get("deliveryCompanyCode") not in COURIERS or not number.isdigit():
        return "INVALID_INVOICE"
    other = used.get(number)
    # one number may cover several boxes only if orderer and recipient are identical
    if other is not None and other is not box and _who(other) != _who(box):
        return "DUPLICATE_INVOICE_NUMBER"
    item.invoice_number = number
    used[number] = box
    box.invoice_number, box.delivery_company_code = number, str(row["deliveryCompanyCode"])
    if all(i.invoice_number or i.cancel_count >= i.shipping_count for i in box.items):
        box.status = "DEPARTURE"
    return "OK"


def apply_invoices(
    boxes: dict[int, CoupangBox], rows: list[dict[str, Any]], record: Recorder, update: bool = False
) -> dict[str, Any]:
    used = {b.invoice_number: b for b in boxes.values() if b.invoice_number}
    results = []
    for row in rows:
        code = _result(row, boxes, used, update)
        record(
            str(row.get("shipmentBoxId", "")),
            str(row.get("vendorItemId", "")),
            str(row.get("deliveryCompanyCode", "")),
            str(row.get("invoiceNumber", "")),
            code,
        )
        results.append(
            {
                "shipmentBoxId": row.get("shipmentBoxId"),
                "vendorItemId": row.get("vendorItemId"),
                "succeed": code == "OK",
                "resultCode": code,
                "retryRequired": False,
                "resultMessage": "" if code == "OK" else MESSAGES.get(code, code),
            }
        )
    failed = sum(not r["succeed"] for r in results)
    return {
        "responseCode": 0 if not failed else 1,
        "responseMessage": "SUCCESS" if not failed else "PARTIAL_OR_FAILED",
        "responseList": results,
    }
