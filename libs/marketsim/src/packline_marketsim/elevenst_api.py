"""11st seller Open API routes (all GET, key in the `openapikey` header, XML answers): 결제완료
and 배송준비중 lists in `YYYYMMDDhhmm` windows of at most 7 days, 발주확인 (reqpackaging) per
line, 발송처리 (reqdelivery) per dlvNo, cancel requests (≤30 days) and statuses by ordNo."""

from collections.abc import Callable
from datetime import datetime, timedelta

from fastapi import APIRouter, Request
from fastapi.responses import Response

from packline_marketsim import elevenst_state, elevenst_xml, faults
from packline_marketsim.elevenst_state import ElevenstAccount, ElevenstLine
from packline_marketsim.elevenst_xml import processed_xml, respond, result_xml
from packline_marketsim.state import Simulator

ORD = "/rest/ordservices"
CLAIM = "/rest/claimservice"
MAX_WEEK = timedelta(days=7)
MAX_MONTH = timedelta(days=30)
MAX_ORDER_NUMBERS = 100
NO_USER = "주문/클레임 조회 오류 MSG : OpenAPI Key 에 해당하는 유저가 없습니다."
# the 11st courier codes (dlvEtprsCd) the simulator accepts: the domestic parcel couriers
COURIERS = frozenset(
    {"00034", "00012", "00011", "00007", "00002", "00026", "00021", "00022", "00027", "00035"}
    | {"00060", "00061", "00099"}
)
# each list's own result codes for a bad start, a bad end and a window over a week
WINDOW_CODES = {"complete": ("-3103", "-3104", "-3105"), "packaging": ("-3303", "-3304", "-3305")}


class _Refused(Exception):
    def __init__(self, code: str, text: str) -> None:
        super().__init__(text)
        self.code, self.text = code, text


def _window(operation: str, start: str, end: str, longest: timedelta) -> tuple[datetime, datetime]:
    bad_start, bad_end, too_long = WINDOW_CODES.get(operation, ("-28007", "-28006", "-28008"))
    first, last = elevenst_state.moment(start), elevenst_state.moment(end)
    if first is None:
        raise _Refused(
            bad_start, "start_dt의 조회 기간의 포멧('YYYYMMDDHH24:MI')이 올바르지 않습니다."
        )
    if last is None:
        raise _Refused(bad_end, "end_dt의 조회 기간의 포멧('YYYYMMDDHH24:MI')이 올바르지 않습니다.")
    if last - first > longest:
        text = (
            "최대 조회기간은 일주일 입니다."
            if longest == MAX_WEEK
            else "조회기간은 최대 30(한달)일 단위로 가능합니다."
        )
        raise _Refused(too_long, text)
    return first, last + timedelta(minutes=1)  # the end minute is inside the window


def router(sim: Simulator) -> APIRouter:
    api = APIRouter(tags=["11st Open API"])

    def lines(seller: str) -> list[ElevenstLine]:
        return list(sim.elevenst_lines.get(seller, {}).values())

    async def answer(
        request: Request, operation: str, build: Callable[[ElevenstAccount, faults.Faults], str]
    ) -> Response:
        key = request.headers.get("openapikey", "")
        account = next((a for a in sim.elevenst.values() if a.api_key == key), None)
        found = await faults.take(
            sim, request, "ELEVENST", account.seller_id if account else "", operation
        )
        encoding = account.encoding if account else "euc-kr"
        if found.response is not None:
            status = found.response.status_code
            page = f"<html><body><h1>{status} Service Unavailable</h1></body></html>"
            shown = Response(page, status_code=status, media_type="text/html")
            if "retry-after" in found.response.headers:
                shown.headers["Retry-After"] = found.response.headers["retry-after"]
            return shown
        if account is None:
            return respond(result_xml("-1", NO_USER), encoding)
        try:
            xml = build(account, found)
        except _Refused as exc:
            return respond(result_xml(exc.code, exc.text), encoding)
        return respond(
            xml,
            encoding,
            header_charset="UTF-8" if found.odd_encoding else "",
            broken=found.broken_xml,
        )

    def listed(operation: str, status: str, start: str, end: str) -> Callable[..., str]:
        def build(account: ElevenstAccount, found: faults.Faults) -> str:
            first, last = _window(operation, start, end, MAX_WEEK)
            rows = [
                elevenst_xml.order_row(line, found.malformed and n == 0)
                for n, line in enumerate(
                    ln
                    for ln in lines(account.seller_id)
                    if ln.status == status and first <= ln.paid_at < last
                )
            ]
            if found.odd_encoding and rows:
                rows[0]["ordDlvReqCont"] = elevenst_xml.ODD_MESSAGE
            return elevenst_xml.orders_xml(rows)

        return build

    @api.get(f"{ORD}/complete/{{start}}/{{end}}", name="elevenst_complete")
    async def complete(request: Request, start: str, end: str) -> Response:
        """발주확인할 내역 (기간별 결제완료 목록조회)."""
        return await answer(request, "complete", listed("complete", "202", start, end))

    @api.get(f"{ORD}/packaging/{{start}}/{{end}}", name="elevenst_packaging")
    async def packaging(request: Request, start: str, end: str) -> Response:
        """발송처리할 내역 (배송준비중 목록조회): lines confirmed, not yet sent."""
        return await answer(request, "packaging", listed("packaging", "301", start, end))

    @api.get(
        f"{ORD}/reqpackaging/{{ord_no}}/{{ord_prd_seq}}/{{add_prd_yn}}/{{add_prd_no}}/{{dlv_no}}",
        name="elevenst_reqpackaging",
    )
    async def reqpackaging(
        request: Request,
        ord_no: str,
        ord_prd_seq: str,
        add_prd_yn: str,
        add_prd_no: str,
        dlv_no: str,
    ) -> Response:
        """발주확인처리: 202 → 301 for one line."""

        def build(account: ElevenstAccount, found: faults.Faults) -> str:
            line = sim.elevenst_line(account.seller_id, ord_no, ord_prd_seq)
            if line is None or line.dlv_no != dlv_no:
                return processed_xml("-1", "해당 주문건이 없습니다.")
            for rule in found.cancel:
                if not rule.order_ids or line.dlv_no in rule.order_ids:
                    elevenst_state.cancel(line, sim.now())
            if line.status != "202":
                name = elevenst_state.STATUS_NAMES.get(line.status, line.status)
                return processed_xml("-1", f"발주확인할 수 없는 주문상태입니다. ({name})")
            line.status, line.confirmed_at = "301", sim.now()
            return processed_xml("0", "전체 1건이 정상적으로 발주처리가 되었습니다.")

        return await answer(request, "reqpackaging", build)

    @api.get(
        f"{ORD}/reqdelivery/{{send_dt}}/{{method}}/{{courier}}/{{invoice}}/{{dlv_no}}",
        name="elevenst_reqdelivery",
    )
    async def reqdelivery(
        request: Request, send_dt: str, method: str, courier: str, invoice: str, dlv_no: str
    ) -> Response:
        """발송처리 (배송중 처리) of every line of a dlvNo."""

        def build(account: ElevenstAccount, found: faults.Faults) -> str:
            bundle = [ln for ln in lines(account.seller_id) if ln.dlv_no == dlv_no]
            code, text = _delivery_refusal(bundle, send_dt, method, courier, invoice)
            for line in bundle:
                sim.record_push(
                    "ELEVENST",
                    account.seller_id,
                    dlv_no,
                    f"{line.ord_no}-{line.ord_prd_seq}",
                    courier,
                    invoice,
                    "OK" if code == "0" else code,
                    "reqdelivery",
                )
                if code == "0" and line.status == "301":
                    line.status, line.courier_code, line.invoice_number = "401", courier, invoice
                    line.sent_at = sim.now()
            return processed_xml(code, text)

        return await answer(request, "reqdelivery", build)

    @api.get(f"{CLAIM}/cancelorders/{{start}}/{{end}}", name="elevenst_cancelorders")
    async def cancelorders(request: Request, start: str, end: str) -> Response:
        """주문취소 요청 목록조회, by when the buyer asked (≤30 days)."""

        def build(account: ElevenstAccount, _: faults.Faults) -> str:
            first, last = _window("cancelorders", start, end, MAX_MONTH)
            rows = [
                elevenst_xml.cancel_row(ln)
                for ln in lines(account.seller_id)
                if ln.cancel_at is not None and first <= ln.cancel_at < last
            ]
            return elevenst_xml.orders_xml(rows)

        return await answer(request, "cancelorders", build)

    @api.get(f"{CLAIM}/orderlistalladdr/{{ord_nos}}", name="elevenst_orderlistalladdr")
    async def orderlistalladdr(request: Request, ord_nos: str) -> Response:
        """주문번호별 배송정보 조회: ≤100 ordNo, comma-separated."""

        def build(account: ElevenstAccount, _: faults.Faults) -> str:
            wanted = ord_nos.split(",")
            if len(wanted) > MAX_ORDER_NUMBERS:
                raise _Refused("-28003", "주문번호의 갯수는 최대 100개 까지만 가능 합니다.")
            rows = [
                elevenst_xml.status_row(ln)
                for ln in lines(account.seller_id)
                if ln.ord_no in set(wanted)
            ]
            return elevenst_xml.orders_xml(rows)

        return await answer(request, "orderlistalladdr", build)

    return api


def _delivery_refusal(
    bundle: list[ElevenstLine], send_dt: str, method: str, courier: str, invoice: str
) -> tuple[str, str]:
    """(result_code, result_text) of a 발송처리; "0" when it may be done."""
    if elevenst_state.moment(send_dt) is None:
        return "-1", "발송일자(sendDt)의 포멧('YYYYMMDDhhmm')이 올바르지 않습니다."
    live = [ln for ln in bundle if ln.status not in ("B01", "701")]
    if bundle and not live:
        return "-1", "취소된 주문입니다."
    if any(ln.status == "501" for ln in live):
        return "-3309", "이미 배송완료된 주문입니다."
    if live and all(ln.status == "401" for ln in live):
        return "-3308", "이미 발송처리된 주문입니다."
    if not any(ln.status == "301" for ln in live):
        return "-3313", "발송처리할 목록이 없습니다."
    if method != "01" or courier not in COURIERS:
        return "-1", "배송방법 또는 택배사 코드가 올바르지 않습니다."
    if not invoice.isdigit() or not 8 <= len(invoice) <= 16:
        return "-1", "송장번호가 올바르지 않습니다."
    return "0", "정상적으로 발송처리 되었습니다."
