"""Tracking numbers pushed to the simulator over real HTTP: recorded per line with the
documented result codes, a second upload refused, cancelled orders named as such, and the
orders' statuses moved so a re-read shows the number."""

import hashlib
import hmac
import time
from datetime import UTC, datetime
from typing import Any

import httpx

from packline_marketsim import naver_auth
from packline_marketsim.generator import generate
from packline_marketsim.server import running
from packline_marketsim.state import CoupangAccount, NaverAccount, Simulator

BASE = "/v2/providers/openapi/apis/api"
DISPATCH = "/external/v1/pay-order/seller/product-orders/dispatch"


def signed(account: CoupangAccount, method: str, path: str) -> dict[str, str]:
    date = datetime.now(UTC).strftime("%y%m%dT%H%M%SZ")
    message = f"{date}{method}{path}".encode()
    signature = hmac.new(account.secret_key.encode(), message, hashlib.sha256).hexdigest()
    return {
        "Authorization": f"CEA algorithm=HmacSHA256, access-key={account.access_key}, "
        f"signed-date={date}, signature={signature}"
    }


async def _naver_token(http: httpx.AsyncClient, account: NaverAccount) -> dict[str, str]:
    stamp = int(time.time() * 1000)
    form = {
        "client_id": account.client_id,
        "timestamp": str(stamp),
        "grant_type": "client_credentials",
        "type": "SELF",
        "client_secret_sign": naver_auth.client_secret_sign(
            account.client_id, stamp, account.client_secret
        ),
    }
    token = (await http.post("/external/v1/oauth2/token", data=form)).json()["access_token"]
    return {"Authorization": f"Bearer {token}"}


async def test_coupang_invoices_are_recorded_per_line_and_a_second_upload_is_refused() -> None:
    sim = Simulator()
    account = sim.add_coupang()
    for order in generate(4, marketplaces=("COUPANG",), seed=5):
        sim.place(order, account.vendor_id)
    kept, cancelled = (
        sim.boxes[account.vendor_id][b] for b in list(sim.boxes[account.vendor_id])[:2]
    )
    kept.status = cancelled.status = "INSTRUCT"  # acknowledged (발주확인)
    invoices = f"{BASE}/v4/vendors/{account.vendor_id}/orders/invoices"

    def rows(box: Any, number: str) -> list[dict[str, Any]]:
        return [
            {
                "shipmentBoxId": box.shipment_box_id,
                "orderId": box.order_id,
                "vendorItemId": i.vendor_item_id,
                "deliveryCompanyCode": "CJGLS",
                "invoiceNumber": number,
            }
            for i in box.items
        ]

    async with running(sim) as server, httpx.AsyncClient(base_url=server.url) as http:
        cancel = f"/_sim/orders/COUPANG/{account.vendor_id}/{cancelled.shipment_box_id}/cancel"
        assert (await http.post(cancel)).status_code == 200
        body = {
            "vendorId": account.vendor_id,
            "orderSheetInvoiceApplyDtos": rows(kept, "412345678901") + rows(cancelled, "4123"),
        }
        first = await http.post(invoices, json=body, headers=signed(account, "POST", invoices))
        again = await http.post(
            invoices,
            json={**body, "orderSheetInvoiceApplyDtos": rows(kept, "412345678901")},
            headers=signed(account, "POST", invoices),
        )
        pushed = (await http.get("/_sim/pushes", params={"marketplace": "COUPANG"})).json()

    codes = [r["resultCode"] for r in first.json()["data"]["responseList"]]
    assert codes == ["OK"] * len(kept.items) + ["ORDER_DELIVERY_CANCELED"] * len(cancelled.items)
    refused = again.json()["data"]["responseList"]
    assert {r["resultCode"] for r in refused} == {"NOT_ALLOW_INVOICE_NUMBER_RE_UPLOAD"}
    assert all(r["resultMessage"] and not r["succeed"] for r in refused)
    assert kept.status == "DEPARTURE" and {i.invoice_number for i in kept.items} == {"412345678901"}
    assert len(pushed) == 2 * len(kept.items) + len(cancelled.items)
    assert {p["line_id"] for p in pushed} >= {str(i.vendor_item_id) for i in kept.items}


async def test_naver_dispatch_names_cancelled_orders_and_is_recorded() -> None:
    sim = Simulator()
    account = sim.add_naver()
    for order in generate(3, marketplaces=("NAVER",), seed=4):
        sim.place(order, account.client_id)
    shipped, requested = sorted(sim.product_orders[account.client_id])[:2]
    for po in (shipped, requested):
        sim.product_orders[account.client_id][po].place_order_status = "OK"
    rows = [
        {
            "productOrderId": po,
            "deliveryMethod": "DELIVERY",
            "deliveryCompanyCode": "CVSNET",
            "trackingNumber": "363012345678",
            "dispatchDate": "2026-11-28T10:00:00.000+09:00",
        }
        for po in (shipped, requested)
    ]
    async with running(sim) as server, httpx.AsyncClient(base_url=server.url) as http:
        auth = await _naver_token(http, account)
        assert (
            await http.post(f"/_sim/orders/NAVER/{account.client_id}/{requested}/cancel")
        ).status_code == 200
        answer = await http.post(DISPATCH, json={"dispatchProductOrders": rows}, headers=auth)
        again = await http.post(DISPATCH, json={"dispatchProductOrders": rows[:1]}, headers=auth)
        pushed = (await http.get("/_sim/pushes", params={"marketplace": "NAVER"})).json()

    data = answer.json()["data"]
    assert data["successProductOrderIds"] == [shipped]
    [refused] = data["failProductOrderInfos"]
    assert (refused["productOrderId"], refused["code"]) == (requested, "CANCEL_REQUESTED")
    assert again.json()["data"]["failProductOrderInfos"][0]["code"] == "INVALID_STATUS"
    po = sim.product_orders[account.client_id][shipped]
    assert (
        po.status == "DELIVERING"
        and po.delivery
        and po.delivery["trackingNumber"] == "363012345678"
    )
    assert [(p["order_id"], p["result_code"]) for p in pushed] == [
        (shipped, "OK"),
        (requested, "CANCEL_REQUESTED"),
        (shipped, "INVALID_STATUS"),
    ]


async def test_a_status_or_number_changed_by_hand_shows_on_a_re_read_and_bad_changes_are_4xx() -> (
    None
):
    sim = Simulator()
    coupang, naver = sim.add_coupang(), sim.add_naver()
    for order in generate(6, seed=3):
        sim.place(order, coupang.vendor_id if order.marketplace == "COUPANG" else naver.client_id)
    box = next(iter(sim.boxes[coupang.vendor_id].values()))
    po = next(iter(sim.product_orders[naver.client_id].values()))
    orders = "/_sim/orders"
    async with running(sim) as server, httpx.AsyncClient(base_url=server.url) as http:
        answer = await http.post(
            f"{orders}/COUPANG/{coupang.vendor_id}/{box.shipment_box_id}/status",
            json={"status": "DEPARTURE", "tracking_number": "612345678901"},
        )
        assert answer.json() == {"status": "DEPARTURE", "tracking_number": "612345678901"}
        path = f"{BASE}/v4/vendors/{coupang.vendor_id}/ordersheets/{box.shipment_box_id}"
        read = await http.get(path, headers=signed(coupang, "GET", path))
        data = read.json()["data"]
        assert data["status"] == "DEPARTURE"
        assert {i["invoiceNumber"] for i in data["orderItems"]} == {"612345678901"}

        answer = await http.post(
            f"{orders}/NAVER/{naver.client_id}/{po.product_order_id}/status",
            json={"status": "DELIVERING", "tracking_number": "698765432109"},
        )
        assert answer.status_code == 200, answer.text
        assert po.status == "DELIVERING"
        assert po.delivery and po.delivery["trackingNumber"] == "698765432109"

        for url, body, status in (
            (f"{orders}/COUPANG/{coupang.vendor_id}/1/status", {"status": "INSTRUCT"}, 404),
            (f"{orders}/NAVER/{naver.client_id}/nope/status", {"status": "PAYED"}, 404),
            (
                f"{orders}/COUPANG/{coupang.vendor_id}/{box.shipment_box_id}/status",
                {"status": "SHIPPED"},
                422,
            ),
            (
                f"{orders}/NAVER/{naver.client_id}/{po.product_order_id}/status",
                {"status": "LOST"},
                422,
            ),
            (f"{orders}/NAVER/{naver.client_id}/{po.product_order_id}/status", {"x": 1}, 422),
        ):
            refused = await http.post(url, json=body)
            assert refused.status_code == status, (url, body, refused.text)


async def test_coupang_invoice_update_replaces_an_uploaded_number_and_is_recorded() -> None:
    sim = Simulator()
    account = sim.add_coupang()
    for order in generate(2, marketplaces=("COUPANG",), seed=6):
        sim.place(order, account.vendor_id)
    shipped, waiting = sim.boxes[account.vendor_id].values()
    shipped.status = waiting.status = "INSTRUCT"
    upload = f"{BASE}/v4/vendors/{account.vendor_id}/orders/invoices"
    update = f"{BASE}/v4/vendors/{account.vendor_id}/orders/updateInvoices"

    def body(box: Any, number: str) -> dict[str, Any]:
        rows = [
            {
                "shipmentBoxId": box.shipment_box_id,
                "orderId": box.order_id,
                "vendorItemId": i.vendor_item_id,
                "deliveryCompanyCode": "CJGLS",
                "invoiceNumber": number,
            }
            for i in box.items
        ]
        return {"vendorId": account.vendor_id, "orderSheetInvoiceApplyDtos": rows}

    async with running(sim) as server, httpx.AsyncClient(base_url=server.url) as http:
        await http.post(
            upload, json=body(shipped, "412345678901"), headers=signed(account, "POST", upload)
        )
        changed = await http.post(
            update, json=body(shipped, "412345678912"), headers=signed(account, "POST", update)
        )
        # a box that was never uploaded is not updated: the upload is the call for it
        never = await http.post(
            update, json=body(waiting, "412345678923"), headers=signed(account, "POST", update)
        )
        pushed = (await http.get("/_sim/pushes", params={"marketplace": "COUPANG"})).json()

    assert {r["resultCode"] for r in changed.json()["data"]["responseList"]} == {"OK"}
    assert {i.invoice_number for i in shipped.items} == {"412345678912"}
    assert shipped.invoice_number == "412345678912" and shipped.status == "DEPARTURE"
    assert {r["resultCode"] for r in never.json()["data"]["responseList"]} == {
        "NO_INVOICE_TO_UPDATE"
    }
    assert not any(i.invoice_number for i in waiting.items)
    calls = [(p["call"], p["tracking_number"], p["result_code"]) for p in pushed]
    assert calls.count(("updateInvoices", "412345678912", "OK")) == len(shipped.items)
    assert calls.count(("invoices", "412345678901", "OK")) == len(shipped.items)
