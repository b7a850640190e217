"""Coupang's 반품/취소 요청 목록 (returnRequests): receipts listed by when they were made, not by
when the order was, so a claim on an old box shows up in a recent window."""

from datetime import datetime
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, HTTPException, Query, Request

from packline_marketsim import coupang_auth, faults
from packline_marketsim.coupang_state import CoupangBox, CoupangClaim
from packline_marketsim.coupang_window import window
from packline_marketsim.state import Simulator

BASE = "/v2/providers/openapi/apis/api/v4/vendors/{vendor_id}/returnRequests"
MAX_PER_PAGE = 50
CANCEL_TYPES = ("RETURN", "CANCEL")
# the status filter of cancelType=RETURN: 출고중지요청, 반품접수, 반품완료, 쿠팡확인요청
STATUSES = {
    "RU": "RELEASE_STOP_UNCHECKED",
    "UC": "RETURNS_UNCHECKED",
    "CC": "RETURNS_COMPLETED",
    "PR": "REQUEST_COUPANG_CHECK",
}
SEOUL = ZoneInfo("Asia/Seoul")


def _time(moment: datetime) -> str:
    return moment.astimezone(SEOUL).replace(microsecond=0, tzinfo=None).isoformat()


def render(box: CoupangBox, claim: CoupangClaim) -> dict[str, Any]:
    """One receipt; the fields a receipt does not use are null, as the real API sends them."""
    return {
        "receiptId": claim.receipt_id,
        "orderId": box.order_id,
        "paymentId": box.order_id + 7,
        "receiptType": claim.receipt_type,
        "receiptStatus": claim.receipt_status,
        "createdAt": _time(claim.created_at),
        "modifiedAt": _time(claim.created_at),
        "requesterName": box.orderer.get("name"),
        "requesterPhoneNumber": None,
        "requesterRealPhoneNumber": None,
        "requesterAddress": None,
        "requesterAddressDetail": None,
        "requesterZipCode": None,
        "cancelReasonCategory1": "고객변심",
        "cancelReasonCategory2": claim.reason,
        "cancelReason": None,
        "cancelCountSum": sum(n for _, n in claim.items),
        "returnDeliveryId": None,
        "returnDeliveryType": None if claim.receipt_type == "CANCEL" else "연동택배",
        "releaseStopStatus": "미처리" if claim.receipt_status == STATUSES["RU"] else None,
        "enclosePrice": None,
        "faultByType": "CUSTOMER",
        "preRefund": None,
        "completeConfirmType": None,
        "completeConfirmDate": None,
        "returnItems": [
            {
                "vendorItemPackageId": None,
                "vendorItemPackageName": None,
                "vendorItemId": int(item.vendor_item_id),
                "vendorItemName": item.vendor_item_name,
                "purchaseCount": item.shipping_count,
                "cancelCount": n,
                "shipmentBoxId": box.shipment_box_id,
                "sellerProductId": int(item.seller_product_id),
                "sellerProductName": item.seller_product_name,
                "releaseStatus": "N" if box.status in ("ACCEPT", "INSTRUCT") else "Y",
                "cancelCompleteUser": None,
            }
            for item, n in claim.items
        ],
        "returnDeliveryDtos": [],
    }


def router(sim: Simulator) -> APIRouter:
    api = APIRouter(tags=["Coupang WING"])

    @api.get(BASE, name="return_requests")
    async def return_requests(
        request: Request,
        vendor_id: str,
        created_from: Annotated[str, Query(alias="createdAtFrom")],
        created_to: Annotated[str, Query(alias="createdAtTo")],
        search_type: Annotated[str, Query(alias="searchType")] = "",
        status: Annotated[str | None, Query()] = None,
        cancel_type: Annotated[str, Query(alias="cancelType")] = "RETURN",
        max_per_page: Annotated[int, Query(alias="maxPerPage")] = MAX_PER_PAGE,
        next_token: Annotated[str, Query(alias="nextToken")] = "",
    ) -> Any:
        coupang_auth.verify(sim, request, vendor_id)
        found = await faults.take(sim, request, "COUPANG", vendor_id, "returnRequests")
        if found.response:
            return found.response
        if cancel_type not in CANCEL_TYPES:
            raise HTTPException(400, "cancelType must be RETURN or CANCEL")
        if cancel_type == "CANCEL" and status:
            raise HTTPException(400, "status cannot be used with cancelType=CANCEL")
        if status and status not in STATUSES:
            raise HTTPException(400, f"status must be one of {', '.join(STATUSES)}")
        if not 1 <= max_per_page <= MAX_PER_PAGE:
            raise HTTPException(400, f"maxPerPage must be 1..{MAX_PER_PAGE}")
        start, end = window(created_from, created_to, search_type)
        wanted = STATUSES.get(status or "")
        rows = sorted(
            (
                (box, claim)
                for box in sim.boxes.setdefault(vendor_id, {}).values()
                for claim in box.claims
                if claim.receipt_type == cancel_type
                and start <= claim.created_at < end
                and wanted in (None, claim.receipt_status)
            ),
            key=lambda bc: (bc[1].created_at, bc[1].receipt_id),
        )
        offset = int(next_token) if next_token.isdigit() else 0
        page = rows[offset : offset + max_per_page]
        more = offset + max_per_page < len(rows)
        return {
            "code": 200,
            "message": "OK",
            "data": [render(box, claim) for box, claim in page],
            "nextToken": str(offset + max_per_page) if more else None,
        }

    return api
