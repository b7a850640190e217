"""The ESM (Gmarket and Auction) adapter against the marketplace simulator over real HTTP: the
self-signed JWT and its refusals, ≤31-day windows per site and paging, a 5xx and ResultCode 3000
retried, a malformed row reported by order number, 주문확인, 취소조회, 발송처리 and the status
read-back."""

import base64
import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from packline_collector.adapters.esm_client import AUCTION, GMARKET, EsmClient, token
from packline_collector.adapters.esm_gateway import EsmGateway
from packline_collector.adapters.esm_shipping import EsmShipping, EsmStatus
from packline_collector.adapters.http_retry import AuthenticationFailed, RetryPolicy
from packline_collector.domain.mismatch import ShippedLine
from packline_collector.domain.push import LineKey, PushLine, Verdict
from packline_collector.domain.remote import AWAITING_SHIPMENT, CANCELLED, Fetched
from packline_marketsim.generator import generate
from packline_marketsim.script import Rule
from packline_marketsim.server import RunningSimulator
from packline_marketsim.state import EsmAccount

FAST = RetryPolicy(attempts=4, base_delay=0.05, max_delay=1.0)
WHO = "ESM account 'test' (master id {})"


def _place(
    market: RunningSimulator, count: int, days: float = 0.5, seed: int = 5, null_share: float = 0.2
) -> EsmAccount:
    market.sim.null_share = null_share
    account = market.sim.add_esm()
    paid_from = datetime.now(UTC) - timedelta(days=days)
    spacing = timedelta(days=days) / (count + 1)
    for order in generate(
        count, marketplaces=("GMARKET", "AUCTION"), seed=seed, paid_from=paid_from, spacing=spacing
    ):
        market.sim.place(order, account.master_id)
    return account


def _client(
    market: RunningSimulator, http: httpx.AsyncClient, account: EsmAccount, secret: str = ""
) -> EsmClient:
    sellers = {GMARKET: account.gmarket_seller_id, AUCTION: account.auction_seller_id}
    return EsmClient(
        http,
        market.url,
        account.master_id,
        secret or account.secret_key,
        sellers,
        WHO.format(account.master_id),
        FAST,
        listing_interval=0,
    )


async def _nothing(_: int) -> None:
    return None


async def _fetch(client: EsmClient, days: float = 1.0) -> Fetched:
    now = datetime.now(UTC)
    return await EsmGateway(client, "s1").fetch(now - timedelta(days=days), now, _nothing)


def _listed(bodies: list[dict[str, Any]], site: int, status: int) -> list[dict[str, Any]]:
    return [
        b
        for b in bodies
        if b.get("siteType") == site and b.get("orderStatus") == status and "pageIndex" in b
    ]


async def test_a_70_day_period_is_three_windows_per_site_and_every_order_is_collected(
    market: RunningSimulator,
) -> None:
    account = _place(market, 60, days=69)
    sent: list[dict[str, Any]] = []

    async def keep(request: httpx.Request) -> None:
        if request.url.path.endswith("/RequestOrders"):
            sent.append(json.loads(request.content))

    async with httpx.AsyncClient(timeout=10, event_hooks={"request": [keep]}) as http:
        fetched = await _fetch(_client(market, http, account), days=70)
    placed = market.sim.esm_orders[account.master_id]
    assert {r.ref.marketplace_order_id for r in fetched.orders.values()} == {str(n) for n in placed}
    assert fetched.problems == [] and fetched.acknowledged == len(placed)
    for site in (GMARKET, AUCTION):
        windows = _listed(sent, site, 1)
        assert len(windows) == 3, windows
        for body in windows:
            start = datetime.strptime(body["requestDateFrom"], "%Y-%m-%d %H:%M")
            end = datetime.strptime(body["requestDateTo"], "%Y-%m-%d %H:%M")
            assert timedelta(0) < end - start <= timedelta(days=31)
        assert windows[0]["requestDateTo"] == windows[1]["requestDateFrom"]
    marketplaces = {r.ref.marketplace.value for r in fetched.orders.values()}
    assert marketplaces == {"GMARKET", "AUCTION"}
    # every new order was confirmed (주문확인): ESM now shows them 배송준비중
    assert {o.status for o in placed.values()} == {2}


async def test_pages_are_followed_to_the_end(
    market: RunningSimulator, http: httpx.AsyncClient
) -> None:
    account = _place(market, 260, days=0.5, seed=7)
    fetched = await _fetch(_client(market, http, account))
    assert len(fetched.orders) == len(market.sim.esm_orders[account.master_id])
    listings = [c for c in market.sim.calls if c.operation == "RequestOrders"]
    assert len(listings) > 2 * 2  # more than one page for a site


async def test_the_lines_keep_listing_option_and_integer_won(
    market: RunningSimulator, http: httpx.AsyncClient
) -> None:
    account = _place(market, 10, null_share=0.0)
    fetched = await _fetch(_client(market, http, account))
    for remote in fetched.orders.values():
        kept = market.sim.esm_orders[account.master_id][int(remote.ref.marketplace_order_id)]
        assert remote.state == AWAITING_SHIPMENT and remote.order is not None
        line = remote.order.lines[0]
        assert (line.listing_id, line.option_id) == (kept.goods_no, kept.option_code)
        assert line.unit_price_krw == kept.unit_price and line.quantity == kept.quantity
        assert remote.order.marketplace_order_no == str(kept.pay_no)
        assert remote.ref.marketplace.value == ("GMARKET" if kept.site == GMARKET else "AUCTION")


async def test_a_wrong_secret_fails_naming_the_account(
    market: RunningSimulator, http: httpx.AsyncClient
) -> None:
    account = _place(market, 3)
    with pytest.raises(AuthenticationFailed) as refused:
        await _fetch(_client(market, http, account, secret="not-the-secret"))
    assert f"master id {account.master_id}" in str(refused.value)
    assert "invalid signature" in str(refused.value)
    assert "not-the-secret" not in str(refused.value)


def _forged(account: EsmAccount, **change: Any) -> str:
    """A token as the guide describes, with one part changed."""
    jwt = token(
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
    account = _place(market, 2)
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
    account = _place(market, 2)
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


async def test_a_window_longer_than_31_days_is_refused_by_the_simulator(
    market: RunningSimulator, http: httpx.AsyncClient
) -> None:
    account = _place(market, 2)
    client = _client(market, http, account)
    start = datetime.now(UTC) - timedelta(days=40)
    with pytest.raises(Exception) as refused:
        async for _ in client.orders(GMARKET, 1, start, datetime.now(UTC)):
            pass
    assert "ResultCode 1000" in str(refused.value) and "31일" in str(refused.value)


async def test_a_5xx_and_a_rate_limit_are_retried(
    market: RunningSimulator, http: httpx.AsyncClient
) -> None:
    account = _place(market, 8)
    market.sim.script.add(
        [Rule(action="server_error", marketplace="ESM", operation="RequestOrders", times=2)]
    )
    market.sim.script.add(
        [Rule(action="rate_limit", marketplace="ESM", operation="RequestOrders", skip=2)]
    )
    fetched = await _fetch(_client(market, http, account))
    assert len(fetched.orders) == len(market.sim.esm_orders[account.master_id])
    statuses = [c.status for c in market.sim.calls if c.operation == "RequestOrders"]
    assert statuses.count(503) == 2


async def test_a_malformed_row_is_reported_by_order_number_and_the_rest_collected(
    market: RunningSimulator, http: httpx.AsyncClient
) -> None:
    account = _place(market, 12, null_share=1.0)
    market.sim.script.add(
        [Rule(action="malformed_row", marketplace="ESM", operation="RequestOrders")]
    )
    fetched = await _fetch(_client(market, http, account))
    placed = market.sim.esm_orders[account.master_id]
    assert len(fetched.problems) == 1
    bad = next(n for n in placed if f"order {n}: ContrAmount" in fetched.problems[0])
    assert f"master id {account.master_id}" in fetched.problems[0]
    assert len(fetched.orders) == len(placed) - 1 and str(bad) not in {
        r.ref.marketplace_order_id for r in fetched.orders.values()
    }


async def test_cancellations_and_a_changed_address_are_seen(
    market: RunningSimulator, http: httpx.AsyncClient
) -> None:
    account = _place(market, 6, null_share=0.0)
    placed = market.sim.esm_orders[account.master_id]
    first, second = sorted(placed)[:2]
    market.sim.cancel_esm(placed[first])
    (await http.post(f"{market.url}/_sim/esm/{account.master_id}/orders/{second}/address"))
    fetched = await _fetch(_client(market, http, account))
    site_of = {n: ("GMARKET" if o.site == GMARKET else "AUCTION") for n, o in placed.items()}
    cancelled = fetched.orders[f"s1:{site_of[first]}:{first}"]
    assert cancelled.state == CANCELLED and cancelled.from_claim and cancelled.order is None
    moved = fetched.orders[f"s1:{site_of[second]}:{second}"].order
    assert moved is not None
    assert moved.recipient.address1 == placed[second].receiver["DelFrontAddress"]
    assert fetched.acknowledged == len(placed) - 1


def _line(order_no: int, site: int, number: str, courier: str = "CJGLS") -> PushLine:
    marketplace = "GMARKET" if site == GMARKET else "AUCTION"
    key = LineKey("s1", marketplace, str(order_no), str(order_no))
    return PushLine(key, uuid.uuid4(), courier, number, 0, "")


async def test_shipping_is_pushed_recorded_and_read_back(
    market: RunningSimulator, http: httpx.AsyncClient
) -> None:
    account = _place(market, 4, null_share=0.0)
    client = _client(market, http, account)
    await _fetch(client)
    placed = market.sim.esm_orders[account.master_id]
    nos = sorted(placed)
    market.sim.cancel_esm(placed[nos[2]])
    lines = [
        _line(nos[0], placed[nos[0]].site, "123456789012"),
        _line(nos[1], placed[nos[1]].site, "612345678901", courier="HYUNDAI"),
        _line(nos[2], placed[nos[2]].site, "512345678901"),
        _line(nos[3], placed[nos[3]].site, "412345678901", courier="DAESIN"),
    ]
    results = await EsmShipping(client).push(lines)
    verdicts = [results[line.key].verdict for line in lines]
    assert verdicts == [Verdict.SENT, Verdict.SENT, Verdict.CANCELLED, Verdict.FAILED]
    assert results[lines[3].key].code == "NO_COURIER_CODE"
    found = await http.get(f"{market.url}/_sim/pushes", params={"account": account.master_id})
    pushed = [(p["marketplace"], p["order_id"], p["courier_code"], p["tracking_number"], p["result_code"]) for p in found.json()]  # fmt: skip
    assert pushed[:2] == [  # recorded under the order's site, as our order ids are
        (lines[0].key.marketplace, str(nos[0]), "10013", "123456789012", "OK"),
        (lines[1].key.marketplace, str(nos[1]), "10008", "612345678901", "OK"),
    ]
    assert placed[nos[0]].status == 3 and placed[nos[0]].invoice == "123456789012"
    # pushed again (a retried tick): ESM refuses, the order holds our number: SENT
    again = await EsmShipping(client).push(lines[:1])
    assert again[lines[0].key].verdict == Verdict.SENT
    shipped = [
        ShippedLine(lines[0].key, uuid.uuid4(), "123456789012"),
        ShippedLine(lines[2].key, uuid.uuid4(), "512345678901"),
    ]
    seen = await EsmStatus(client).read(shipped, datetime.now(UTC) - timedelta(days=1))
    first, cancelled = seen[lines[0].key], seen[lines[2].key]
    assert (first.status, first.awaiting_shipment, first.cancelled) == ("3", False, False)
    assert first.tracking_number == "123456789012"
    assert cancelled.cancelled and cancelled.awaiting_shipment
