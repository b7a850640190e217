"""11번가 셀러오피스 발송처리 (주문내역) 엑셀 다운로드, rendered from the lines the simulator's
11st API serves: one row per order line (주문번호 + 주문순번), lines of one shipment sharing
배송번호 (dlvNo). The column names are the ones the collector's 11st source expects; no public
copy of the real download was found, so they are unverified (see README). The download is
assumed to carry no option stock number (prdStckNo): the collector then looks the option id up
from orders its 11st API collection has seen."""

from typing import Any

from packline_marketsim.elevenst_state import CANCEL_REQUESTED, STATUS_NAMES, ElevenstLine, stamp

ELEVENST_COLUMNS = (
    "번호",
    "주문상태",
    "배송번호",
    "주문번호",
    "주문순번",
    "주문일시",
    "결제일시",
    "발주확인일시",
    "상품번호",
    "상품명",
    "옵션",
    "판매자상품코드",
    "수량",
    "판매가",
    "결제금액",
    "배송비",
    "구매자",
    "수취인",
    "휴대폰번호",
    "전화번호",
    "우편번호",
    "주소",
    "배송메시지",
    "택배사코드",
    "송장번호",
)


def _status(line: ElevenstLine) -> str:
    if line.cancel_status == CANCEL_REQUESTED:
        return "취소요청"
    return STATUS_NAMES.get(line.status, line.status)


def elevenst_rows(lines: list[ElevenstLine]) -> list[list[Any]]:
    """One row per line in whatever state (the seller filters in the office), by 배송번호."""
    rows = []
    ordered = sorted(lines, key=lambda n: (n.dlv_no, n.ord_no, n.ord_prd_seq))
    for number, line in enumerate(ordered, start=1):
        values = {
            "번호": number,
            "주문상태": _status(line),
            "배송번호": line.dlv_no,
            "주문번호": line.ord_no,
            "주문순번": line.ord_prd_seq,
            "주문일시": stamp(line.ordered_at),
            "결제일시": stamp(line.paid_at),
            "발주확인일시": stamp(line.confirmed_at),
            "상품번호": line.prd_no,
            "상품명": line.prd_nm,
            "옵션": line.option_name,
            "판매자상품코드": line.seller_prd_cd,
            "수량": line.qty,
            "판매가": line.sel_prc,
            "결제금액": line.sel_prc * line.qty,
            "배송비": line.dlv_cst,
            "구매자": line.orderer_name,
            "수취인": line.rcvr_nm,
            "휴대폰번호": line.rcvr_prtbl_no,
            "전화번호": line.rcvr_tlphn,
            "우편번호": line.mail_no,
            "주소": f"{line.base_addr} {line.dtls_addr}".strip(),
            "배송메시지": line.message,
            "택배사코드": line.courier_code,
            "송장번호": line.invoice_number,
        }
        rows.append([values.get(h, "") for h in ELEVENST_COLUMNS])
    return rows
