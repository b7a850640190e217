"""Coupang invoice upload (송장업로드): one row per vendorItemId, only for INSTRUCT boxes."""

from typing import Any

from packline_marketsim.coupang_state import CoupangBox

COURIERS = {"CJGLS", "HYUNDAI", "HANJIN", "KGB", "EPOST", "KDEXP", "DAESIN", "ILYANG", "CHUNIL"}


def _who(box: CoupangBox) -> tuple[str, str, str]:
    r = box.receiver
    return (box.orderer.get("name", ""), r.get("name", ""), f"{r.get('addr1')} {r.get('addr2')}")


def _result(row: dict[str, Any], boxes: dict[int, CoupangBox], used: dict[str, CoupangBox]) -> str:
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
    if item.invoice_number:
        return "NOT_ALLOW_INVOICE_NUMBER_RE_UPLOAD"
    if box.status != "INSTRUCT":
        return "INVALID_STATUS"
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


def apply_invoices(boxes: dict[int, CoupangBox], rows: list[dict[str, Any]]) -> dict[str, Any]:
    used = {b.invoice_number: b for b in boxes.values() if b.invoice_number}
    results = []
    for row in rows:
        code = _result(row, boxes, used)
        results.append(
            {
                "shipmentBoxId": row.get("shipmentBoxId"),
                "vendorItemId": row.get("vendorItemId"),
                "succeed": code == "OK",
                "resultCode": code,
                "retryRequired": False,
                "resultMessage": "" if code == "OK" else code,
            }
        )
    failed = sum(not r["succeed"] for r in results)
    return {
        "responseCode": 0 if not failed else 1,
        "responseMessage": "SUCCESS" if not failed else "PARTIAL_OR_FAILED",
        "responseList": results,
    }
