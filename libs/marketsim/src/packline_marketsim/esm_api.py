"""ESM Trading API routes (Gmarket and Auction under one ESM+ master id): 주문조회
(RequestOrders: siteType, orderStatus, a requestDate window of ≤31 days, paged), 주문확인
(OrderCheck/{OrderNo}), 발송처리 (Delivery/ShippingInfo) and 취소조회 (claim Cancels, ≤7 days).
Answers are HTTP 200 `{"ResultCode": 0, "Message": ..., "Data": ...}`; a refusal is a non-zero
ResultCode (3000: more than one order listing in `esm_order_interval` seconds)."""

import time
from datetime import datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Body, Request

from packline_marketsim import esm_auth, esm_state, faults
from packline_marketsim.esm_state import SEOUL, SITE_NAMES, EsmOrder
from packline_marketsim.state import EsmAccount, Simulator

ORDERS = "/shipping/v1/Order"
MAX_WINDOW, MAX_CANCEL_WINDOW = timedelta(days=31), timedelta(days=7)
MAX_PAGE_SIZE = 100
INVALID, RATE_LIMITED = 1000, 3000
# 택배사 코드 (GET /item/v1/shipping/delivery-company): a few of ESM's ~180
COURIERS = {10003: "로젠택배", 10005: "우체국택배", 10007: "한진택배", 10008: "롯데택배"}
COURIERS |= {10013: "CJ대한통운", 10031: "직접배송"}


def result(data: Any = None, code: int = 0, message: str = "") -> dict[str, Any]:
    return {
        "ResultCode": code,
        "Message": message or ("Success" if code == 0 else ""),
        "Data": data,
    }


def _moment(value: Any) -> tuple[datetime, timedelta] | None:
    """`YYYY-MM-DD` (a whole day) or `YYYY-MM-DD hh:mm` (a minute), Seoul time."""
    text = str(value or "").strip()
    for pattern, step in (("%Y-%m-%d %H:%M", timedelta(minutes=1)), ("%Y-%m-%d", timedelta(1))):
        try:
            return datetime.strptime(text, pattern).replace(tzinfo=SEOUL), step
        except ValueError:
            continue
    return None


def window(first: Any, last: Any, longest: timedelta) -> tuple[datetime, datetime] | str:
    """[start, end) from an inclusive from/to pair, or why it is refused."""
    start, end = _moment(first), _moment(last)
    if start is None or end is None:
        return "날짜는 YYYY-MM-DD 또는 YYYY-MM-DD hh:mm 형식이어야 합니다."
    if end[0] < start[0]:
        return "시작일이 종료일보다 늦습니다."
    if end[0] - start[0] > longest:
        return f"조회 기간은 {longest.days}일 이내로 입력해 주세요."
    return start[0], end[0] + end[1]


def router(sim: Simulator) -> APIRouter:
    api = APIRouter(tags=["ESM (Gmarket, Auction)"])
    last_listing: dict[tuple[str, int], float] = {}

    async def begin(
        request: Request, operation: str, named: list[str]
    ) -> tuple[EsmAccount, dict[int, str], faults.Faults]:
        account, sites = esm_auth.verify(sim, request)
        found = await faults.take(sim, request, "ESM", account.master_id, operation)
        for rule in found.cancel:
            for order_no in faults.targets(rule, named):
                if (o := _order(account, sites, order_no)) is not None:
                    sim.cancel_esm(o)
        return account, sites, found

    def _order(account: EsmAccount, sites: dict[int, str], order_no: Any) -> EsmOrder | None:
        text = str(order_no)
        o = sim.esm_orders.get(account.master_id, {}).get(int(text)) if text.isdigit() else None
        return o if o is not None and sites.get(o.site) == o.seller_id else None

    @api.post(f"{ORDERS}/RequestOrders", name="esm_orders")
    async def request_orders(request: Request, body: Annotated[dict[str, Any], Body()]) -> Any:
        account, sites, found = await begin(request, "RequestOrders", [str(body.get("orderNo"))])
        if found.response:
            return found.response
        site, status = body.get("siteType"), body.get("orderStatus")
        if site not in (1, 2) or site not in sites:
            return result(
                None, INVALID, "siteType must be 1 (옥션) or 2 (G마켓) of the token's ssi"
            )
        if status == 0:
            o = _order(account, sites, body.get("orderNo"))
            rows = [o] if o is not None and o.site == site else []
        elif status in (1, 2, 3, 4, 5):
            span = window(body.get("requestDateFrom"), body.get("requestDateTo"), MAX_WINDOW)
            if isinstance(span, str):
                return result(None, INVALID, span)
            start, end = span
            key = (account.master_id, site)
            now = time.monotonic()
            if (
                sim.esm_order_interval
                and now - last_listing.get(key, -1e9) < sim.esm_order_interval
            ):
                return result(None, RATE_LIMITED, "주문조회는 5초에 1회 호출 가능합니다.")
            last_listing[key] = now
            by_order_date = body.get("requestDateType") == 1
            rows = [
                o
                for o in sim.esm_orders.get(account.master_id, {}).values()
                if o.site == site
                and o.seller_id == sites[site]
                and o.status == status
                and o.cancel is None
                and start <= (o.order_date if by_order_date else o.pay_date) < end
            ]
        else:
            return result(None, INVALID, "orderStatus must be 0..5")
        rows.sort(key=lambda o: o.order_no)
        index, size = body.get("pageIndex") or 1, body.get("pageSize") or MAX_PAGE_SIZE
        if not isinstance(index, int) or not isinstance(size, int) or index < 1:
            return result(None, INVALID, "pageIndex must be ≥1")
        size = min(max(size, 1), MAX_PAGE_SIZE)
        page = rows[(index - 1) * size : index * size]
        rendered = [esm_state.render(o, found.malformed and n == 0) for n, o in enumerate(page)]
        return result(
            {
                "SiteType": site,
                "PageIndex": index,
                "PageSize": size,
                "TotalCount": len(rows),
                "SellerId": sites[site],
                "RequestOrders": rendered,
            },
            message="",
        )

    @api.post(f"{ORDERS}/OrderCheck/{{order_no}}", name="esm_check")
    async def order_check(
        request: Request, order_no: str, body: Annotated[dict[str, Any] | None, Body()] = None
    ) -> Any:
        account, sites, found = await begin(request, "OrderCheck", [order_no])
        if found.response:
            return found.response
        o = _order(account, sites, order_no)
        if o is None:
            return result(None, INVALID, f"주문번호 {order_no}을(를) 찾을 수 없습니다.")
        if o.cancel is not None or o.status != esm_state.NEW:
            return result(None, INVALID, "주문확인할 수 없는 주문 상태입니다.")
        o.status, o.confirmed_at = esm_state.PREPARING, sim.now()
        return result({"IsChanged": 1 if o.address_changed else 0})

    @api.post("/shipping/v1/Delivery/ShippingInfo", name="esm_ship")
    async def shipping_info(request: Request, body: Annotated[dict[str, Any], Body()]) -> Any:
        order_no = str(body.get("OrderNo"))
        account, sites, found = await begin(request, "ShippingInfo", [order_no])
        if found.response:
            return found.response
        o = _order(account, sites, order_no)
        company, number = body.get("DeliveryCompanyCode"), str(body.get("InvoiceNo") or "")
        shipped = _moment(str(body.get("ShippingDate") or "").replace("T", " ")[:16])
        when = shipped[0] if shipped else None
        refusal = ""
        if o is None:
            refusal = f"주문번호 {order_no}을(를) 찾을 수 없습니다."
        elif o.cancel is not None:
            refusal = "취소(요청)된 주문은 발송처리할 수 없습니다."
        elif o.status not in (esm_state.NEW, esm_state.PREPARING):
            refusal = "이미 발송처리된 주문입니다."
        elif not isinstance(company, int) or company not in COURIERS:
            refusal = "유효하지 않은 택배사 코드입니다."
        elif not number.isdigit() or not 8 <= len(number) <= 16:
            refusal = "유효하지 않은 송장번호입니다."
        elif when is None or abs(sim.now() - when) > timedelta(days=2):
            refusal = "발송일은 호출 시점 기준 2일 이내여야 합니다."
        # recorded under the order's site, as the seller's order ids are (GMARKET/AUCTION)
        site = "ESM" if o is None else SITE_NAMES[o.site]
        sim.record_push(
            site, account.master_id, order_no, order_no, str(company), number,
            "OK" if not refusal else refusal, "ShippingInfo",
        )  # fmt: skip
        if refusal or o is None:
            return result(None, INVALID, refusal)
        o.status, o.shipped_at = esm_state.SHIPPING, sim.now()
        o.courier, o.invoice = COURIERS[int(str(company))], number
        return result({"OrderNo": o.order_no})

    @api.post("/claim/v1/sa/Cancels", name="esm_cancels")
    async def cancels(request: Request, body: Annotated[dict[str, Any], Body()]) -> Any:
        account, sites, found = await begin(request, "Cancels", [])
        if found.response:
            return found.response
        site = {1: 1, 3: 2}.get(int(body.get("SiteType") or 0))  # 취소조회 names Gmarket 3, not 2
        if site is None or site not in sites:
            return result(
                None, INVALID, "SiteType must be 1 (옥션) or 3 (G마켓) of the token's ssi"
            )
        span = window(body.get("StartDate"), body.get("EndDate"), MAX_CANCEL_WINDOW)
        if isinstance(span, str):
            return result(None, INVALID, span)
        start, end = span
        status = body.get("CancelStatus") or 0
        rows = [
            esm_state.cancel_row(o)
            for o in sim.esm_orders.get(account.master_id, {}).values()
            if o.site == site
            and o.seller_id == sites[site]
            and o.cancel is not None
            and start <= o.cancel["RequestDate"] < end
            and status in (0, o.cancel["CancelStatus"])
        ]
        return result(rows, message="")

    return api
