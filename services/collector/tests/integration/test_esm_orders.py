"""The ESM (Gmarket and Auction) adapter reading orders from the marketplace simulator over
real HTTP: ≤31-day windows per site and paging, the lines' ids, a 5xx and ResultCode 3000
retried (ESM's one-listing-per-5-s limit met and waited out), a malformed row reported by order
number, cancellations and a changed address."""

import itertools
import json
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from packline_collector.adapters.esm_client import AUCTION, GMARKET, RATE_LIMITED
from packline_collector.adapters.http_retry import RetryPolicy
from packline_collector.domain.remote import AWAITING_SHIPMENT, CANCELLED
from packline_marketsim.script import Rule
from packline_marketsim.server import RunningSimulator

from .esm_setup import client, fetch, place


def _listed(bodies: list[dict[str, Any]], site: int, status: int) -> list[dict[str, Any]]:
    return [
        b
        for b in bodies
        if b.get("siteType") == site and b.get("orderStatus") == status and "pageIndex" in b
    ]


async def test_a_70_day_period_is_three_windows_per_site_and_every_order_is_collected(
    market: RunningSimulator,
) -> None:
    account = place(market, 60, days=69)
    sent: list[dict[str, Any]] = []

    async def keep(request: httpx.Request) -> None:
        if request.url.path.endswith("/RequestOrders"):
            sent.append(json.loads(request.content))

    async with httpx.AsyncClient(timeout=10, event_hooks={"request": [keep]}) as http:
        fetched = await fetch(client(market, http, account), days=70)
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
    account = place(market, 260, days=0.5, seed=7)
    fetched = await fetch(client(market, http, account))
    assert len(fetched.orders) == len(market.sim.esm_orders[account.master_id])
    listings = [c for c in market.sim.calls if c.operation == "RequestOrders"]
    assert len(listings) > 2 * 2  # more than one page for a site


async def test_the_lines_keep_listing_option_and_integer_won(
    market: RunningSimulator, http: httpx.AsyncClient
) -> None:
    account = place(market, 10, null_share=0.0)
    fetched = await fetch(client(market, http, account))
    for remote in fetched.orders.values():
        kept = market.sim.esm_orders[account.master_id][int(remote.ref.marketplace_order_id)]
        assert remote.state == AWAITING_SHIPMENT and remote.order is not None
        line = remote.order.lines[0]
        assert (line.listing_id, line.option_id) == (kept.goods_no, kept.option_code)
        assert line.unit_price_krw == kept.unit_price and line.quantity == kept.quantity
        assert remote.order.marketplace_order_no == str(kept.pay_no)
        assert remote.ref.marketplace.value == ("GMARKET" if kept.site == GMARKET else "AUCTION")


async def test_a_window_longer_than_31_days_is_refused_by_the_simulator(
    market: RunningSimulator, http: httpx.AsyncClient
) -> None:
    account = place(market, 2)
    esm = client(market, http, account)
    start = datetime.now(UTC) - timedelta(days=40)
    with pytest.raises(Exception) as refused:
        async for _ in esm.orders(GMARKET, 1, start, datetime.now(UTC)):
            pass
    assert "ResultCode 1000" in str(refused.value) and "31일" in str(refused.value)


class _Listings:
    """Every order listing (주문조회 by window) the client sent: its site, when it was sent and
    the ResultCode it was answered (an HTTP status when the answer was not 200)."""

    def __init__(self) -> None:
        self.sent: dict[int, float] = {}
        self.seen: list[tuple[int, float, int]] = []

    async def request(self, request: httpx.Request) -> None:
        self.sent[id(request)] = time.monotonic()

    async def response(self, response: httpx.Response) -> None:
        request = response.request
        body = json.loads(request.content) if request.content else {}
        if not request.url.path.endswith("/RequestOrders") or "pageIndex" not in body:
            return
        await response.aread()
        ok = response.status_code == 200
        code = int(response.json()["ResultCode"]) if ok else response.status_code
        self.seen.append((body["siteType"], self.sent[id(request)], code))

    def of(self, site: int) -> list[tuple[float, int]]:
        return [(at, code) for s, at, code in self.seen if s == site]


def _recording(listings: _Listings) -> httpx.AsyncClient:
    hooks = {"request": [listings.request], "response": [listings.response]}
    return httpx.AsyncClient(timeout=10, event_hooks=hooks)  # type: ignore[arg-type]


async def test_a_5xx_and_a_scripted_rate_limit_are_retried(market: RunningSimulator) -> None:
    account = place(market, 8)
    market.sim.script.add(
        [Rule(action="server_error", marketplace="ESM", operation="RequestOrders", times=2)]
    )
    market.sim.script.add(
        [Rule(action="rate_limit", marketplace="ESM", operation="RequestOrders", skip=2)]
    )
    listings = _Listings()
    async with _recording(listings) as http:
        fetched = await fetch(client(market, http, account))
    assert len(fetched.orders) == len(market.sim.esm_orders[account.master_id])
    assert fetched.problems == []
    codes = [code for _, _, code in listings.seen]
    assert codes.count(503) == 2 and codes.count(RATE_LIMITED) == 1
    # the listing refused with 3000 was sent again and answered
    site = next(s for s, _, code in listings.seen if code == RATE_LIMITED)
    after = [code for _, code in listings.of(site)]
    assert after[after.index(RATE_LIMITED) + 1] == 0


async def test_esm_s_own_listing_limit_is_met_and_waited_out(market: RunningSimulator) -> None:
    """The simulator enforces one listing per 0.5 s per site seller; a client paced at 0.2 s
    meets ResultCode 3000, waits (its pace, then the retry step) and is answered."""
    account = place(market, 30, days=40)
    market.sim.esm_order_interval = 0.5
    listings = _Listings()
    patient = RetryPolicy(attempts=10, base_delay=0.05, max_delay=1.0)
    async with _recording(listings) as http:
        esm = client(market, http, account, listing_interval=0.2, policy=patient)
        fetched = await fetch(esm, days=40)
    assert len(fetched.orders) == len(market.sim.esm_orders[account.master_id])
    assert fetched.problems == []
    met = [(s, at) for s, at, code in listings.seen if code == RATE_LIMITED]
    assert met, "no listing was answered ResultCode 3000"
    for site in (GMARKET, AUCTION):
        calls = listings.of(site)
        assert calls[-1][1] == 0  # the site's last listing was answered
        # every 3000 was followed by a later, answered listing of the same site
        for n, (_, code) in enumerate(calls):
            if code == RATE_LIMITED:
                assert any(c == 0 for _, c in calls[n + 1 :])
        # never sooner than the client's pace; answered ones at least ESM's interval apart
        gaps = [b - a for (a, _), (b, _) in itertools.pairwise(calls)]
        assert min(gaps) >= 0.19, gaps
        answered = [at for at, code in calls if code == 0]
        assert all(b - a >= 0.45 for a, b in itertools.pairwise(answered))


async def test_a_malformed_row_is_reported_by_order_number_and_the_rest_collected(
    market: RunningSimulator, http: httpx.AsyncClient
) -> None:
    account = place(market, 12, null_share=1.0)
    market.sim.script.add(
        [Rule(action="malformed_row", marketplace="ESM", operation="RequestOrders")]
    )
    fetched = await fetch(client(market, http, account))
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
    account = place(market, 6, null_share=0.0)
    placed = market.sim.esm_orders[account.master_id]
    first, second = sorted(placed)[:2]
    market.sim.cancel_esm(placed[first])
    (await http.post(f"{market.url}/_sim/esm/{account.master_id}/orders/{second}/address"))
    fetched = await fetch(client(market, http, account))
    site_of = {n: ("GMARKET" if o.site == GMARKET else "AUCTION") for n, o in placed.items()}
    cancelled = fetched.orders[f"s1:{site_of[first]}:{first}"]
    assert cancelled.state == CANCELLED and cancelled.from_claim and cancelled.order is None
    moved = fetched.orders[f"s1:{site_of[second]}:{second}"].order
    assert moved is not None
    assert moved.recipient.address1 == placed[second].receiver["DelFrontAddress"]
    assert fetched.acknowledged == len(placed) - 1
