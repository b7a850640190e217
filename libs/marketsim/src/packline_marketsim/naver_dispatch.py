"""Naver dispatch (발송처리): per product order, success or `failProductOrderInfos[{productOrderId,
code, message}]`. Naver documents the shape, not the codes; these codes are the simulator's."""

from typing import Any

from packline_marketsim.naver_state import NaverProductOrder

COURIERS = {
    *("CJGLS", "HYUNDAI", "HANJIN", "KGB", "EPOST", "KDEXP", "DAESIN", "ILYANG", "CHUNIL"),
    *("CVSNET", "CUPARCEL", "REGISTPOST", "HDEXP", "CH1"),
}
MESSAGES = {
    "NOT_FOUND": "상품주문번호를 찾을 수 없습니다.",
    "CANCELED": "취소된 상품주문입니다.",
    "CANCEL_REQUESTED": "취소 요청된 상품주문입니다. 발송처리할 수 없습니다.",
    "INVALID_STATUS": "발송처리할 수 없는 상품주문 상태입니다.",
    "NOT_CONFIRMED": "발주확인되지 않은 상품주문입니다.",
    "INVALID_DELIVERY_COMPANY": "유효하지 않은 택배사 코드입니다.",
    "INVALID_TRACKING_NUMBER": "유효하지 않은 송장번호입니다.",
}


def refusal(po: NaverProductOrder | None, row: dict[str, Any]) -> str:
    """The code a row is refused with, or "" when it may be dispatched."""
    if po is None:
        return "NOT_FOUND"
    if po.claim and po.claim.get("claimType") == "CANCEL":
        return "CANCELED" if po.claim.get("claimStatus") == "CANCEL_DONE" else "CANCEL_REQUESTED"
    if po.status != "PAYED" or po.claim:
        return "INVALID_STATUS"  # already dispatched, delivered, or under another claim
    if po.place_order_status != "OK":
        return "NOT_CONFIRMED"
    if row.get("deliveryCompanyCode") not in COURIERS:
        return "INVALID_DELIVERY_COMPANY"
    number = str(row.get("trackingNumber") or "")
    if not number.isdigit() or not 8 <= len(number) <= 16:
        return "INVALID_TRACKING_NUMBER"
    return ""


def dispatch(po: NaverProductOrder, row: dict[str, Any]) -> None:
    po.status = "DELIVERING"
    po.delivery = {
        "deliveryMethod": row.get("deliveryMethod", "DELIVERY"),
        "deliveryCompany": row["deliveryCompanyCode"],
        "trackingNumber": str(row["trackingNumber"]),
        "sendDate": row.get("dispatchDate"),
    }
