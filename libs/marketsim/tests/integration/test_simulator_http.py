"""The simulator over real HTTP: signatures verified, paging, acknowledgement, invoices, the
Naver token, and scripted rate limits."""

import hashlib
import hmac
import time
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

import httpx

from packline_marketsim import naver_auth
from packline_marketsim.generator import generate
from packline_marketsim.server import running
from packline_marketsim.state import CoupangAccount, Simulator

BASE = "/v2/providers/openapi/apis/api"


def _signed(
    account: CoupangAccount, method: str, path: str, query: str, secret: str = ""
) -> dict[str, str]:
    date = datetime.now(UTC).strftime("%y%m%dT%H%M%SZ")
    message = f"{date}{method}{path}{query}".encode()
    signature = hmac.new(
        (secret or account.secret_key).encode(), message, hashlib.sha256
    ).hexdigest()
    return {
        "Authorization": f"CEA algorithm=HmacSHA256, access-key={account.access_key}, signed-date={date}, signature={signature}"
    }


def _seeded(count: int) -> tuple[Simulator, CoupangAccount]:
    sim = Simulator()
    account = sim.add_coupang()
    for order in generate(count, marketplaces=("COUPANG",), seed=9):
        sim.place(order, account.vendor_id)
    return sim, account


async def test_coupang_pages_to_the_end_and_refuses_a_wrong_signature() -> None:
    sim, account = _seeded(120)
    today = datetime.now(UTC) + timedelta(hours=9)
    path = f"{BASE}/v4/vendors/{account.vendor_id}/ordersheets"
    async with running(sim) as server, httpx.AsyncClient(base_url=server.url) as http:
        token, seen = "", 0
        for _ in range(10):
            params = {
                "createdAtFrom": (today - timedelta(days=1)).strftime("%Y-%m-%d"),
                "createdAtTo": today.strftime("%Y-%m-%d"),
                "status": "ACCEPT",
                "maxPerPage": "50",
            }
            if token:
                params["nextToken"] = token
            query = urlencode(params)
            page = (
                await http.get(f"{path}?{query}", headers=_signed(account, "GET", path, query))
            ).json()
            seen += len(page["data"])
            token = page["nextToken"]
            if not token:
                break
        assert seen == 120
        query = "createdAtFrom=2026-11-27&createdAtTo=2026-11-28&status=ACCEPT"
        wrong = await http.get(
            f"{path}?{query}", headers=_signed(account, "GET", path, query, secret="nope")
        )
        assert wrong.status_code == 401 and "signature" in wrong.json()["message"]


async def test_acknowledgement_moves_boxes_to_instruct_and_invoices_answer_per_row() -> None:
    sim, account = _seeded(3)
    ids = [b for b in sim.boxes[account.vendor_id]]
    ack = f"{BASE}/v4/vendors/{account.vendor_id}/ordersheets/acknowledgement"
    invoices = f"{BASE}/v4/vendors/{account.vendor_id}/orders/invoices"
    async with running(sim) as server, httpx.AsyncClient(base_url=server.url) as http:
        answer = await http.patch(
            ack,
            json={"vendorId": account.vendor_id, "shipmentBoxIds": ids[:2]},
            headers=_signed(account, "PATCH", ack, ""),
        )
        assert [r["succeed"] for r in answer.json()["data"]["responseList"]] == [True, True]
        box = sim.boxes[account.vendor_id][ids[0]]
        rows = [
            {
                "shipmentBoxId": ids[0],
                "orderId": box.order_id,
                "vendorItemId": i.vendor_item_id,
                "deliveryCompanyCode": "CJGLS",
                "invoiceNumber": "123456789012",
            }
            for i in box.items
        ]
        rows.append(
            {
                "shipmentBoxId": ids[2],
                "vendorItemId": sim.boxes[account.vendor_id][ids[2]].items[0].vendor_item_id,
                "deliveryCompanyCode": "CJGLS",
                "invoiceNumber": "123456789013",
            }
        )
        answer = await http.post(
            invoices,
            json={"vendorId": account.vendor_id, "orderSheetInvoiceApplyDtos": rows},
            headers=_signed(account, "POST", invoices, ""),
        )
        codes = [r["resultCode"] for r in answer.json()["data"]["responseList"]]
        assert codes == ["OK"] * len(box.items) + ["INVALID_STATUS"]
        assert box.status == "DEPARTURE"


async def test_naver_token_is_issued_for_a_valid_sign_and_rate_limits_are_scripted() -> None:
    sim = Simulator()
    account = sim.add_naver()
    async with running(sim) as server, httpx.AsyncClient(base_url=server.url) as http:
        stamp = int(time.time() * 1000)
        form = {
            "client_id": account.client_id,
            "timestamp": str(stamp),
            "grant_type": "client_credentials",
            "type": "SELF",
        }
        bad = await http.post("/external/v1/oauth2/token", data={**form, "client_secret_sign": "x"})
        assert bad.status_code == 401 and bad.json()["code"] == "GW.AUTHN"
        sign = naver_auth.client_secret_sign(account.client_id, stamp, account.client_secret)
        token = (
            await http.post("/external/v1/oauth2/token", data={**form, "client_secret_sign": sign})
        ).json()
        assert token["expires_in"] == 3 * 3600
        await http.post(
            "/_sim/script",
            json={"rules": [{"action": "rate_limit", "operation": "query", "retry_after": 2}]},
        )
        auth = {"Authorization": f"Bearer {token['access_token']}"}
        url = "/external/v1/pay-order/seller/product-orders/query"
        limited = await http.post(url, json={"productOrderIds": ["1"]}, headers=auth)
        assert limited.status_code == 429 and limited.json()["code"] == "GW.RATE_LIMIT"
        assert limited.headers["retry-after"] == "2"
        assert (
            await http.post(url, json={"productOrderIds": ["1"]}, headers=auth)
        ).status_code == 200


async def test_naver_dispatch_ships_confirmed_orders_and_names_the_rest() -> None:
    sim = Simulator()
    account = sim.add_naver()
    for order in generate(3, marketplaces=("NAVER",), seed=4):
        sim.place(order, account.client_id)
    first, second, *_ = sorted(sim.product_orders[account.client_id])
    sim.product_orders[account.client_id][first].place_order_status = "OK"  # 발주확인 done
    async with running(sim) as server, httpx.AsyncClient(base_url=server.url) as http:
        stamp = int(time.time() * 1000)
        sign = naver_auth.client_secret_sign(account.client_id, stamp, account.client_secret)
        form = {
            "client_id": account.client_id,
            "timestamp": str(stamp),
            "grant_type": "client_credentials",
            "type": "SELF",
            "client_secret_sign": sign,
        }
        token = (await http.post("/external/v1/oauth2/token", data=form)).json()["access_token"]
        rows = [
            {
                "productOrderId": po,
                "deliveryMethod": "DELIVERY",
                "deliveryCompanyCode": "CJGLS",
                "trackingNumber": "123456789012",
                "dispatchDate": "2026-11-28T10:00:00.000+09:00",
            }
            for po in (first, second)
        ]
        answer = await http.post(
            "/external/v1/pay-order/seller/product-orders/dispatch",
            json={"dispatchProductOrders": rows},
            headers={"Authorization": f"Bearer {token}"},
        )
    data = answer.json()["data"]
    assert data["successProductOrderIds"] == [first]
    [refused] = data["failProductOrderInfos"]
    assert refused["productOrderId"] == second and refused["code"] == "NOT_CONFIRMED"
    assert "발주확인" in refused["message"]
    assert sim.product_orders[account.client_id][first].status == "DELIVERING"
