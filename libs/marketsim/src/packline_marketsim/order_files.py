"""The order files sellers download from each seller centre (쿠팡 WING 주문 목록 DeliveryList,
네이버 스마트스토어 발주발송관리 엑셀, 11번가 발송처리 엑셀), rendered from the same state the
APIs serve: GET /_sim/files/{COUPANG|NAVER|ELEVENST}/{account}.xlsx, with ?password= for a
protected one as Naver writes it. Column sets are the ones public integrations show; see README for what is unverified."""

import io
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, HTTPException, Query, Response
from openpyxl import Workbook
from packline_sheets import encrypt

from packline_marketsim.coupang_state import CoupangBox
from packline_marketsim.elevenst_files import ELEVENST_COLUMNS, elevenst_rows
from packline_marketsim.naver_state import NaverProductOrder
from packline_marketsim.state import Simulator

SEOUL = ZoneInfo("Asia/Seoul")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

COUPANG_COLUMNS = (
    "번호",
    "묶음배송번호",
    "주문번호",
    "택배사",
    "운송장번호",
    "분리배송 Y/N",
    "주문시 출고예정일",
    "주문일",
    "등록상품명",
    "등록옵션명",
    "노출상품명(옵션명)",
    "노출상품ID",
    "옵션ID",
    "최초등록옵션명",
    "업체상품코드",
    "결제액",
    "배송비구분",
    "배송비",
    "도서산간 추가배송비",
    "구매수(수량)",
    "옵션판매가(판매단가)",
    "구매자",
    "구매자전화번호",
    "수취인이름",
    "수취인전화번호",
    "우편번호",
    "수취인 주소",
    "배송메세지",
    "결제위치",
    "취소여부",
    "취소수량",
    "환불대기수량",
    "업체상품 아이디",
    "결제일시",
    "수취인 연락처",
)
NAVER_COLUMNS = (
    "상품주문번호",
    "주문번호",
    "배송방법",
    "택배사",
    "송장번호",
    "구매자명",
    "수취인명",
    "주문상태",
    "주문세부상태",
    "결제일",
    "상품번호",
    "상품명",
    "옵션정보",
    "옵션관리코드",
    "수량",
    "상품가격",
    "최종 상품별 총 주문금액",
    "배송비 합계",
    "판매자 상품코드",
    "수취인연락처1",
    "수취인연락처2",
    "통합배송지",
    "기본배송지",
    "상세배송지",
    "구매자연락처",
    "우편번호",
    "배송메세지",
    "주문일시",
)
NAVER_NOTICE = "개인정보 보호를 위해 다운로드한 파일은 안전하게 관리해 주세요."
NAVER_STATUS = {
    "PAYED": "결제완료",
    "DELIVERING": "배송중",
    "DELIVERED": "배송완료",
    "PURCHASE_DECIDED": "구매확정",
    "CANCELED": "취소완료",
    "RETURNED": "반품완료",
    "EXCHANGED": "교환완료",
}
NAVER_CLAIM = {
    "CANCEL_REQUEST": "취소요청",
    "CANCEL_DONE": "취소완료",
    "RETURN_REQUEST": "반품요청",
}


def _local(moment: datetime) -> str:
    return moment.astimezone(SEOUL).strftime("%Y-%m-%d %H:%M:%S")


def coupang_rows(boxes: list[CoupangBox]) -> list[list[Any]]:
    """One row per option of each box WING lists under 배송관리 (결제완료 and 상품준비중)."""
    rows, number = [], 0
    for box in boxes:
        if box.status not in ("ACCEPT", "INSTRUCT"):
            continue
        r = box.receiver
        for item in box.items:
            number += 1
            cancelled = item.cancel_count >= item.shipping_count
            values = {
                "번호": number,
                "묶음배송번호": str(box.shipment_box_id),
                "주문번호": str(box.order_id),
                "택배사": box.delivery_company_code,
                "운송장번호": box.invoice_number,
                "분리배송 Y/N": "N",
                "주문일": _local(box.ordered_at),
                "등록상품명": item.seller_product_name,
                "등록옵션명": item.seller_product_item_name,
                "노출상품명(옵션명)": item.vendor_item_name,
                "노출상품ID": str(int(item.seller_product_id) + 7_000_000_000),
                "옵션ID": item.vendor_item_id,
                "최초등록옵션명": item.seller_product_item_name,
                "업체상품코드": item.external_vendor_sku_code,
                "결제액": item.sales_price * item.shipping_count,
                "배송비구분": "무료" if not box.shipping_price else "선결제",
                "배송비": box.shipping_price,
                "도서산간 추가배송비": 0,
                "구매수(수량)": item.shipping_count,
                "옵션판매가(판매단가)": item.sales_price,
                "구매자": box.orderer.get("name") or "",
                "구매자전화번호": box.orderer.get("safeNumber") or "",
                "수취인이름": r.get("name") or "",
                "수취인전화번호": r.get("safeNumber") or "",
                "우편번호": r.get("postCode") or "",
                "수취인 주소": f"{r.get('addr1') or ''} {r.get('addr2') or ''}".strip(),
                "배송메세지": box.message,
                "결제위치": "PC",
                "취소여부": "Y" if cancelled else "N",
                "취소수량": item.cancel_count,
                "환불대기수량": item.hold_count_for_cancel,
                "업체상품 아이디": item.seller_product_id,
                "결제일시": _local(box.paid_at),
                "수취인 연락처": r.get("receiverNumber") or "",
            }
            rows.append([values.get(h, "") for h in list(COUPANG_COLUMNS)])
    return rows


def naver_rows(orders: list[NaverProductOrder]) -> list[list[Any]]:
    """One row per product order, in whatever state (the seller filters in the centre)."""
    rows = []
    for po in orders:
        a, claim = po.address, (po.claim or {}).get("claimStatus") or ""
        detail = NAVER_CLAIM.get(claim) or (
            "신규주문" if po.place_order_status == "NOT_YET" else "발주확인"
        )
        values = {
            "상품주문번호": po.product_order_id,
            "주문번호": po.order_id,
            "배송방법": "택배,등기,소포",
            "구매자명": po.orderer_name,
            "수취인명": a.get("name") or "",
            "주문상태": NAVER_STATUS.get(po.status, po.status),
            "주문세부상태": detail,
            "결제일": _local(po.payment_date),
            "상품번호": po.product_id,
            "상품명": po.product_name,
            "옵션정보": po.product_option,
            "옵션관리코드": po.seller_product_code,
            "수량": po.quantity,
            "상품가격": po.unit_price,
            "최종 상품별 총 주문금액": po.unit_price * po.quantity,
            "배송비 합계": po.delivery_fee,
            "판매자 상품코드": po.seller_product_code,
            "수취인연락처1": a.get("tel1") or "",
            "수취인연락처2": a.get("tel2") or "",
            "통합배송지": f"{a.get('baseAddress') or ''} {a.get('detailedAddress') or ''}".strip(),
            "기본배송지": a.get("baseAddress") or "",
            "상세배송지": a.get("detailedAddress") or "",
            "구매자연락처": po.orderer_tel,
            "우편번호": a.get("zipCode") or "",
            "배송메세지": po.shipping_memo,
            "주문일시": _local(po.order_date),
        }
        rows.append([values.get(h, "") for h in NAVER_COLUMNS])
    return rows


def workbook(header: list[str], rows: list[list[Any]], notice: str = "") -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    if notice:
        sheet.append([notice])
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def order_file(sim: Simulator, marketplace: str, account: str, password: str = "") -> bytes:
    if marketplace == "COUPANG" and account in sim.boxes:
        data = workbook(list(COUPANG_COLUMNS), coupang_rows(list(sim.boxes[account].values())))
    elif marketplace == "NAVER" and account in sim.product_orders:
        orders = list(sim.product_orders[account].values())
        data = workbook(list(NAVER_COLUMNS), naver_rows(orders), NAVER_NOTICE)
    elif marketplace == "ELEVENST" and account in sim.elevenst_lines:
        lines = list(sim.elevenst_lines[account].values())
        data = workbook(list(ELEVENST_COLUMNS), elevenst_rows(lines))
    else:
        raise KeyError(f"no {marketplace} account {account}")
    return encrypt(data, password) if password else data


def router(sim: Simulator) -> APIRouter:
    api = APIRouter(prefix="/_sim", tags=["simulator admin"])

    @api.get("/files/{marketplace}/{account}.xlsx", response_class=Response)
    async def download(
        marketplace: str, account: str, password: str = Query("", max_length=64)
    ) -> Response:
        """The account's order file as its seller centre's 엑셀 다운로드 writes it."""
        try:
            data = order_file(sim, marketplace.upper(), account, password)
        except KeyError as exc:
            raise HTTPException(404, str(exc)) from exc
        return Response(data, media_type=XLSX)

    return api
