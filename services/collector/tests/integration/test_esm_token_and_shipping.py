"""The ESM (Gmarket and Auction) adapter's token and shipping against the marketplace simulator
over real HTTP: the JWT the collector signs with PyJWT and the simulator's own refusals of a
wrong secret, another master id or seller, an old or tampered token; 발송처리, its record and
the status read-back."""

import base64
import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from packline_collector.adapters.esm_client import GMARKET, token
from packline_collector.adapters.esm_shipping import EsmShipping, EsmStatus
from packline_collector.adapters.http_retry import AuthenticationFailed
from packline_collector.domain.mismatch import ShippedLine
from packline_collector.domain.push import LineKey, PushLine, Verdict
from packline_marketsim.server import RunningSimulator
from packline_marketsim.state import EsmAccount

from .esm_setup import client, fetch, place


async def test_a_wrong_secret_fails_naming_the_account(
    market: RunningSimulator, http: httpx.AsyncClient
) -> None:
    account = place(market, 3)
    with pytest.raises(AuthenticationFailed) as refused:
        await fetch(client(market, http, account, secret="not-the-secret"))
    assert f"master id {account.master_id}" in str(refused.value)
    assert "invalid signature" in str(refused.value)
    assert "not-the-secret" not in str(refused.value)


def _forged(account: EsmAccount, **change: Any) -> str:
    """A token as the guide describes, with one part changed."""
    jwt: str = token(
        account.master_id,
        account.secret_key,
        {GMARKET: account.gmarket_seller_id},
        change.pop("iat", int(datetime.now(UTC).timestamp())),
    )
    if "kid" in change or "ssi" in change:
        jwt = token(
            change.get("kid", account.master_id),
            account.secret_key,
            {GMARKET: change.get("ssi", account.gmarket_seller_id)},
            int(datetime.now(UTC).timestamp()),
        )
    return jwt


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"kid": "someone-else"}, "does not have right access"),
        ({"ssi": "another-seller"}, "does not have right access"),
        ({"iat": int((datetime.now(UTC) - timedelta(hours=1)).timestamp())}, "token expired"),
        ({}, ""),
    ],
)
async def test_the_simulator_refuses_tokens_as_esm_does(
    market: RunningSimulator, http: httpx.AsyncClient, change: dict[str, Any], message: str
) -> None:
    account = place(market, 2)
    jwt = _forged(account, **change)
    body = {"siteType": GMARKET, "orderStatus": 0, "orderNo": 1}
    answer = await http.post(
        f"{market.url}/shipping/v1/Order/RequestOrders",
        json=body,
        headers={"Authorization": f"Bearer {jwt}"},
    )
    if not message:
        assert answer.status_code == 200 and answer.json()["ResultCode"] == 0
        return
    assert answer.status_code == 401
    status = answer.json()["status"]
    assert status["status_code"] == 401 and message in status["message"]


async def test_a_tampered_payload_is_refused(
    market: RunningSimulator, http: httpx.AsyncClient
) -> None:
    account = place(market, 2)
    head, payload, signature = _forged(account).split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    claims["ssi"] = f"G:{account.gmarket_seller_id},A:{account.auction_seller_id}"
    other = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    answer = await http.post(
        f"{market.url}/shipping/v1/Order/RequestOrders",
        json={"siteType": GMARKET, "orderStatus": 0, "orderNo": 1},
        headers={"Authorization": f"Bearer {head}.{other}.{signature}"},
    )
    assert answer.status_code == 401
    assert answer.json()["status"]["message"] == "invalid signature"


def _line(order_no: int, site: int, number: str, courier: str = "CJGLS") -> PushLine:
    marketplace = "GMARKET" if site == GMARKET else "AUCTION"
    key = LineKey("s1", marketplace, str(order_no), str(order_no))
    return PushLine(key, uuid.uuid4(), courier, number, 0, "")


async def test_shipping_is_pushed_recorded_and_read_back(
    market: RunningSimulator, http: httpx.AsyncClient
) -> None:
    account = place(market, 4, null_share=0.0)
    esm = client(market, http, account)
    await fetch(esm)
    placed = market.sim.esm_orders[account.master_id]
    nos = sorted(placed)
    market.sim.cancel_esm(placed[nos[2]])
    lines = [
        _line(nos[0], placed[nos[0]].site, "123456789012"),
        _line(nos[1], placed[nos[1]].site, "612345678901", courier="HYUNDAI"),
        _line(nos[2], placed[nos[2]].site, "512345678901"),
        _line(nos[3], placed[nos[3]].site, "412345678901", courier="DAESIN"),
    ]
    results = await EsmShipping(esm).push(lines)
    verdicts = [results[line.key].verdict for line in lines]
    assert verdicts == [Verdict.SENT, Verdict.SENT, Verdict.CANCELLED, Verdict.FAILED]
    assert results[lines[3].key].code == "NO_COURIER_CODE"
    found = await http.get(f"{market.url}/_sim/pushes", params={"account": account.master_id})
    pushed = [
        (p["marketplace"], p["order_id"], p["courier_code"], p["tracking_number"], p["result_code"])
        for p in found.json()
    ]
    assert pushed[:2] == [  # recorded under the order's site, as our order ids are
        (lines[0].key.marketplace, str(nos[0]), "10013", "123456789012", "OK"),
        (lines[1].key.marketplace, str(nos[1]), "10008", "612345678901", "OK"),
    ]
    assert placed[nos[0]].status == 3 and placed[nos[0]].invoice == "123456789012"
    # pushed again (a retried tick): ESM refuses, the order holds our number: SENT
    again = await EsmShipping(esm).push(lines[:1])
    assert again[lines[0].key].verdict == Verdict.SENT
    shipped = [
        ShippedLine(lines[0].key, uuid.uuid4(), "123456789012"),
        ShippedLine(lines[2].key, uuid.uuid4(), "512345678901"),
    ]
    seen = await EsmStatus(esm).read(shipped, datetime.now(UTC) - timedelta(days=1))
    first, cancelled = seen[lines[0].key], seen[lines[2].key]
    assert (first.status, first.awaiting_shipment, first.cancelled) == ("3", False, False)
    assert first.tracking_number == "123456789012"
    assert cancelled.cancelled and cancelled.awaiting_shipment
