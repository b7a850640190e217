"""Coupang's returnRequests over real HTTP: receipts listed by when they were made (an old box's
claim shows in a recent window), by cancelType and status, paged; a bad query is a 400."""

import hashlib
import hmac
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import httpx

from packline_marketsim import coupang_state
from packline_marketsim.generator import generate
from packline_marketsim.server import running
from packline_marketsim.state import CoupangAccount, Simulator

SEOUL = ZoneInfo("Asia/Seoul")


def _signed(account: CoupangAccount, path: str, query: str) -> dict[str, str]:
    date = datetime.now(UTC).strftime("%y%m%dT%H%M%SZ")
    message = f"{date}GET{path}{query}".encode()
    signature = hmac.new(account.secret_key.encode(), message, hashlib.sha256).hexdigest()
    return {
        "Authorization": f"CEA algorithm=HmacSHA256, access-key={account.access_key}, signed-date={date}, signature={signature}"
    }


async def _get(
    http: httpx.AsyncClient, account: CoupangAccount, **params: str
) -> tuple[int, dict[str, Any]]:
    path = f"/v2/providers/openapi/apis/api/v4/vendors/{account.vendor_id}/returnRequests"
    query = urlencode(params)
    answer = await http.get(f"{path}?{query}", headers=_signed(account, path, query))
    return answer.status_code, answer.json()


def _recent() -> dict[str, str]:
    now = datetime.now(SEOUL)
    return {
        "searchType": "timeFrame",
        "createdAtFrom": (now - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "createdAtTo": (now + timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M"),
    }


async def test_receipts_of_old_boxes_are_listed_by_when_they_were_made() -> None:
    sim = Simulator(seed=5)
    account = sim.add_coupang()
    for order in generate(
        60, marketplaces=("COUPANG",), seed=3, paid_from=datetime.now(UTC) - timedelta(days=5)
    ):
        sim.place(order, account.vendor_id)
    boxes = sorted(sim.boxes[account.vendor_id].values(), key=lambda b: b.shipment_box_id)
    accepted, instructed, shipped = boxes[0], boxes[1:56], boxes[56]
    for box in instructed:
        box.status = "INSTRUCT"
    shipped.status = "DELIVERING"
    coupang_state.cancel(accepted, None, None)  # before 발주확인: a CANCEL receipt
    for box in instructed:
        coupang_state.cancel(box, None, None)  # a release stop (출고중지요청)
    assert coupang_state.request_return(shipped)
    assert not coupang_state.request_return(boxes[57])  # not shipped: no return
    async with running(sim) as server, httpx.AsyncClient(base_url=server.url) as http:
        status, cancels = await _get(http, account, cancelType="CANCEL", **_recent())
        assert status == 200
        assert [r["returnItems"][0]["shipmentBoxId"] for r in cancels["data"]] == [
            accepted.shipment_box_id
        ]
        assert cancels["data"][0]["receiptType"] == "CANCEL" and not cancels["nextToken"]
        stops: list[dict[str, Any]] = []
        token = ""
        for _ in range(5):
            params = {"cancelType": "RETURN", "status": "RU", "maxPerPage": "50", **_recent()}
            status, page = await _get(
                http, account, **params, **({"nextToken": token} if token else {})
            )
            stops += page["data"]
            token = page["nextToken"] or ""
            if not token:
                break
        assert {r["returnItems"][0]["shipmentBoxId"] for r in stops} == {
            b.shipment_box_id for b in instructed
        }
        assert {r["receiptStatus"] for r in stops} == {"RELEASE_STOP_UNCHECKED"}
        status, returns = await _get(http, account, cancelType="RETURN", status="UC", **_recent())
        assert [r["returnItems"][0]["shipmentBoxId"] for r in returns["data"]] == [
            shipped.shipment_box_id
        ]
        assert returns["data"][0]["returnItems"][0]["releaseStatus"] == "Y"
        old = datetime.now(SEOUL) - timedelta(days=6)
        status, none = await _get(
            http,
            account,
            cancelType="RETURN",
            createdAtFrom=old.strftime("%Y-%m-%d"),
            createdAtTo=(old + timedelta(days=2)).strftime("%Y-%m-%d"),
        )
        assert (status, none["data"]) == (200, [])  # the orders are that old, the claims not

        status, bad = await _get(http, account, cancelType="CANCEL", status="UC", **_recent())
        assert status == 400 and "cancelType=CANCEL" in bad["message"]
        status, bad = await _get(http, account, cancelType="RETURN", status="XX", **_recent())
        assert status == 400 and "RU" in bad["message"]
