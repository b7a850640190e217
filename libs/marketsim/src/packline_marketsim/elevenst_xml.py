"""11st answers as XML: `<ns2:orders>` with `<ns2:order>` rows of unprefixed elements, or
`<ns2:result_code>`/`<ns2:result_text>` when there is nothing to list or the call is refused,
always HTTP 200. Declared and encoded EUC-KR by default (really CP949: syllables outside
KS X 1001 such as 똠 or 햏 come through as 11st's Windows-based servers write them), UTF-8 for an
account switched to it."""

import random
from typing import Any
from xml.sax.saxutils import escape

from fastapi.responses import Response

from packline_marketsim.elevenst_state import STATUS_NAMES, ElevenstLine, stamp

NS = "http://skt.tmall.business.openapi.spring.service.client.domain/"
# elements the guide marks as filled only when they apply; a sparse order has them empty
# (`<rcvrTlphn/>`) or not at all
OPTIONAL = (
    "rcvrTlphn",
    "ordDlvReqCont",
    "ordTlphnNo",
    "sellerPrdCd",
    "typeBilNo",
    "plcodrCnfDt",
    "slctPrdOptNm",
    "ordPrtblTel",
)
ODD_MESSAGE = "똠방각하 댁 문 앞에 놓아주세요"  # CP949-only syllables under an euc-kr label


def order_row(line: ElevenstLine, malformed: bool = False) -> dict[str, Any]:
    row: dict[str, Any] = {
        "addPrdNo": "0",
        "addPrdYn": "N",
        "bndlDlvSeq": line.dlv_no,
        "bndlDlvYN": "Y",
        "dlvCst": line.dlv_cst,
        "dlvCstType": "01" if line.dlv_cst else "03",
        "dlvNo": line.dlv_no,
        "memID": f"buyer{line.ord_no[-5:]}",
        "ordAmt": line.sel_prc * line.qty,
        "ordDlvReqCont": line.message,
        "ordDt": stamp(line.ordered_at),
        "ordNm": line.orderer_name,
        "ordNo": line.ord_no,
        "ordOptWonStl": 0,
        "ordPayAmt": line.sel_prc * line.qty + line.dlv_cst,
        "ordPrdSeq": line.ord_prd_seq,
        "ordPrtblTel": line.orderer_mobile,
        "ordQty": line.qty,
        "ordStlEndDt": stamp(line.paid_at),
        "ordTlphnNo": "",
        "plcodrCnfDt": stamp(line.confirmed_at),
        "prdNm": line.prd_nm,
        "prdNo": line.prd_no,
        "prdStckNo": line.prd_stck_no,
        "rcvrBaseAddr": line.base_addr,
        "rcvrDtlsAddr": line.dtls_addr,
        "rcvrMailNo": line.mail_no,
        "rcvrNm": line.rcvr_nm,
        "rcvrPrtblNo": line.rcvr_prtbl_no,
        "rcvrTlphn": line.rcvr_tlphn,
        "selPrc": line.sel_prc,
        "sellerDscPrc": 0,
        "sellerPrdCd": line.seller_prd_cd,
        "slctPrdOptNm": line.option_name,
        "tmallDscPrc": 0,
        "typeBilNo": line.type_bil_no,
    }
    if line.sparse:
        rng = random.Random(f"elevenst:{line.ord_no}:{line.ord_prd_seq}")
        for key in OPTIONAL:
            if rng.random() < 0.4:
                row.pop(key, None)
            else:
                row[key] = ""
    if malformed:
        row["ordQty"] = "한개"
        row.pop("rcvrBaseAddr", None)
    return row


def status_row(line: ElevenstLine) -> dict[str, Any]:
    """A row of 주문번호별 배송정보 조회 (orderlistalladdr)."""
    return {
        "dlvNo": line.dlv_no,
        "ordCnQty": line.qty if line.cancel_status else 0,
        "ordNo": line.ord_no,
        "ordPrdSeq": line.ord_prd_seq,
        "ordPrdStatNm": STATUS_NAMES.get(line.status, line.status),
        "ordPrdStat": line.status,
        "ordQty": line.qty,
        "prdNm": line.prd_nm,
        "prdNo": line.prd_no,
        "rcvrBaseAddr": line.base_addr,
        "rcvrDtlsAddr": line.dtls_addr,
        "rcvrMailNo": line.mail_no,
        "rcvrNm": line.rcvr_nm,
        "rcvrPrtblNo": line.rcvr_prtbl_no,
        "dlvMthdCd": "01" if line.invoice_number else "",
        "dlvEtprsCd": line.courier_code,
        "invcNo": line.invoice_number,
        "sndEndDt": stamp(line.sent_at),
        "typeBilNo": line.type_bil_no,
    }


def cancel_row(line: ElevenstLine) -> dict[str, Any]:
    """A row of 주문취소 요청 목록조회 (cancelorders)."""
    return {
        "createDt": stamp(line.cancel_at),
        "dlvNo": line.dlv_no,
        "ordCnDtlsRsn": "구매의사 없어짐",
        "ordCnQty": line.qty,
        "ordCnMnbdCd": "01",
        "ordCnRsnCd": "14",
        "ordCnStatCd": line.cancel_status,
        "ordNo": line.ord_no,
        "ordPrdCnSeq": f"8{line.ord_no[-6:]}{line.ord_prd_seq}",
        "ordPrdSeq": line.ord_prd_seq,
        "prdNo": line.prd_no,
        "slctPrdOptNm": line.option_name,
    }


def _element(name: str, value: Any) -> str:
    text = "" if value is None else str(value)
    return f"<{name}/>" if text == "" else f"<{name}>{escape(text)}</{name}>"


def orders_xml(rows: list[dict[str, Any]]) -> str:
    if not rows:
        return result_xml("0", "조회된 결과가 없습니다.")
    body = "".join(
        "<ns2:order>" + "".join(_element(k, v) for k, v in row.items()) + "</ns2:order>"
        for row in rows
    )
    return f'<ns2:orders xmlns:ns2="{NS}">{body}</ns2:orders>'


def result_xml(code: str, text: str) -> str:
    return (
        f'<ns2:orders xmlns:ns2="{NS}"><ns2:result_code>{escape(code)}</ns2:result_code>'
        f"<ns2:result_text>{escape(text)}</ns2:result_text></ns2:orders>"
    )


def processed_xml(code: str, text: str) -> str:
    """The answer of 발주확인 and 발송처리 (one line or one dlvNo)."""
    return (
        f"<ResultOrder><result_code>{escape(code)}</result_code>"
        f"<result_text>{escape(text)}</result_text></ResultOrder>"
    )


def respond(
    xml: str, encoding: str, status: int = 200, header_charset: str = "", broken: bool = False
) -> Response:
    """The XML declared and encoded as the account's answers are (`euc-kr` is written as CP949);
    `header_charset` overrides the charset the Content-Type names (an odd answer); `broken`
    cuts the document off mid-element."""
    declared = "euc-kr" if encoding == "euc-kr" else "UTF-8"
    text = f'<?xml version="1.0" encoding="{declared}" standalone="yes"?>{xml}'
    if broken:
        text = text[: max(60, len(text) * 2 // 3)]
    data = text.encode("cp949" if encoding == "euc-kr" else "utf-8")
    charset = header_charset or ("EUC-KR" if encoding == "euc-kr" else "UTF-8")
    return Response(data, status_code=status, media_type=f"text/xml;charset={charset}")
