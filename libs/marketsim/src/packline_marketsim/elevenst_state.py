"""11st (11번가) order lines as the simulator keeps them. One line per ordNo + ordPrdSeq; the
lines of one buyer's order share ordNo and, since they ship together, one dlvNo (배송번호).

Statuses (ordPrdStat) as the public guide lists them: 202 결제완료, 301 발주확인 (배송준비중),
401 발송완료 (배송중), 501 배송완료, 701 취소처리중, B01 주문취소."""

import random
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from packline_marketsim.generator import GeneratedOrder
from packline_marketsim.people import masked_name, safe_number

SEOUL = ZoneInfo("Asia/Seoul")
STATUS_NAMES = {
    "202": "결제완료",
    "301": "배송준비중",
    "401": "배송중",
    "501": "배송완료",
    "701": "취소처리중",
    "B01": "주문취소",
}
CANCEL_REQUESTED, CANCEL_DONE = "01", "02"  # ordCnStatCd


@dataclass(frozen=True)
class ElevenstAccount:
    seller_id: str  # the 11st seller ID (판매자 ID) the key belongs to
    api_key: str  # the openapikey (32 hex characters)
    encoding: str = "euc-kr"  # how its answers are encoded: euc-kr (the default) or utf-8


@dataclass
class ElevenstLine:
    account: str  # seller_id
    ord_no: str
    ord_prd_seq: int
    dlv_no: str
    prd_no: str
    prd_nm: str
    option_name: str
    prd_stck_no: str
    seller_prd_cd: str
    qty: int
    sel_prc: int
    dlv_cst: int
    ordered_at: datetime
    paid_at: datetime
    orderer_name: str
    orderer_mobile: str
    rcvr_nm: str
    rcvr_prtbl_no: str
    rcvr_tlphn: str
    base_addr: str
    dtls_addr: str
    mail_no: str
    type_bil_no: str
    message: str
    status: str = "202"
    confirmed_at: datetime | None = None
    courier_code: str = ""  # dlvEtprsCd once sent
    invoice_number: str = ""  # invcNo once sent
    sent_at: datetime | None = None
    cancel_status: str = ""  # ordCnStatCd: 01 requested, 02 done
    cancel_at: datetime | None = None
    sparse: bool = False  # rendered with optional elements empty or missing

    @property
    def line_key(self) -> tuple[str, int]:
        return self.ord_no, self.ord_prd_seq


def lines_from(
    order: GeneratedOrder, account: str, ord_no: str, dlv_no: str, rng: random.Random
) -> list[ElevenstLine]:
    """One line per product of the order, all on one dlvNo."""
    who = order.buyer
    b = who.building
    road = order.road_address
    mobile = safe_number(rng) if rng.random() < 0.6 else who.mobile
    # one recipient per dlvNo: the phone and postcode are drawn once, not per line
    phone = "" if rng.random() < 0.7 else who.mobile
    # 11st still sends many postcodes in the old 6-digit form (unverified share)
    postcode = b.postcode if rng.random() < 0.5 else b.old_postcode.replace("-", "")
    lines = []
    for seq, (p, quantity) in enumerate(order.items, start=1):
        lines.append(
            ElevenstLine(
                account=account,
                ord_no=ord_no,
                ord_prd_seq=seq,
                dlv_no=dlv_no,
                prd_no=p.elevenst_product_id,
                prd_nm=p.name,
                option_name=f"옵션:{p.option}-{quantity}개",
                prd_stck_no=p.elevenst_option_id,
                seller_prd_cd=p.code,
                qty=quantity,
                sel_prc=p.price_krw,
                dlv_cst=order.shipping_fee_krw if seq == 1 else 0,
                ordered_at=order.ordered_at,
                paid_at=order.paid_at,
                orderer_name=masked_name(who.name) if order.masked_orderer else who.name,
                orderer_mobile=who.mobile,
                rcvr_nm=who.name,
                rcvr_prtbl_no=mobile,
                rcvr_tlphn=phone,
                base_addr=b.road if road else b.lot,
                dtls_addr=who.unit(order.unit_style),
                mail_no=postcode,
                type_bil_no=b.management_no,
                message=order.message,
            )
        )
    return lines


def stamp(moment: datetime | None) -> str:
    """11st's `YYYY-MM-DD hh:mm:ss`, Seoul time."""
    return "" if moment is None else moment.astimezone(SEOUL).strftime("%Y-%m-%d %H:%M:%S")


def moment(text: str) -> datetime | None:
    """A path's `YYYYMMDDhhmm` (Seoul time), None when it is not one."""
    if len(text) != 12 or not text.isdigit():
        return None
    try:
        return datetime.strptime(text, "%Y%m%d%H%M").replace(tzinfo=SEOUL)
    except ValueError:
        return None


def cancel(line: ElevenstLine, now: datetime) -> None:
    """The buyer cancels: at once before 발주확인, a request (취소요청) the seller settles after."""
    if line.status == "202":
        line.status, line.cancel_status = "B01", CANCEL_DONE
    elif line.status == "301":
        line.status, line.cancel_status = "701", CANCEL_REQUESTED
    else:
        return
    line.cancel_at = now
