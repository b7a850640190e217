"""The Coupang and Naver adapters against the marketplace simulator over real HTTP: paging to
the end, signing and tokens, retries that honour 429, acknowledgement and the re-read after it,
claims, malformed rows."""

import time
from collections import Counter
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from packline_collector.adapters.coupang_client import CoupangClient
from packline_collector.adapters.coupang_gateway import CoupangGateway
from packline_collector.adapters.http_retry import AuthenticationFailed, RetryPolicy
from packline_collector.adapters.naver_client import NaverClient
from packline_collector.adapters.naver_gateway import NaverGateway
from packline_collector.domain.remote import Fetched
from packline_marketsim.generator import generate
from packline_marketsim.script import Rule
from packline_marketsim.server import RunningSimulator, running
from packline_marketsim.state import Simulator

FAST = RetryPolicy(attempts=4, base_delay=0.05, max_delay=3.0)


@pytest.fixture
async def market() -> AsyncIterator[RunningSimulator]:
    async with running(Simulator(seed=2)) as server:
        yield server


async def _nothing(_: int) -> None:
    return None


def _seed(sim: Simulator, count: int, marketplace: str) -> str:
    account = sim.add_coupang().vendor_id if marketplace == "COUPANG" else sim.add_naver().client_id
    for order in generate(
        count, marketplaces=(marketplace,), seed=count, spacing=timedelta(seconds=15)
    ):
        sim.place(order, account)
    return account


async def _coupang(
    market: RunningSimulator,
    vendor_id: str,
    secret: str = "",
    timeout: float = 10.0,
    version: int = 5,
) -> Fetched:
    account = market.sim.coupang[vendor_id]
    async with httpx.AsyncClient(timeout=timeout) as http:
        client = CoupangClient(
            http,
            market.url,
            vendor_id,
            account.access_key,
            secret or account.secret_key,
            f"COUPANG account 'test' (vendorId {vendor_id})",
            FAST,
            version,
        )
        now = datetime.now(UTC)
        return await CoupangGateway(client, "s1").fetch(now - timedelta(hours=12), now, _nothing)


async def _naver(
    market: RunningSimulator,
    client_id: str,
    secret: str = "",
    client: NaverClient | None = None,
    start: datetime | None = None,
) -> Fetched:
    account = market.sim.naver[client_id]
    async with httpx.AsyncClient(timeout=10) as http:
        naver = client or NaverClient(
            http,
            market.url,
            client_id,
            secret or account.client_secret,
            f"NAVER account 'test' (client_id {client_id})",
            FAST,
        )
        naver._http = http
        now = datetime.now(UTC)
        return await NaverGateway(naver, "s1").fetch(
            start or now - timedelta(hours=12), now, _nothing
        )


def _calls(market: RunningSimulator, operation: str) -> list[int]:
    return [c.status for c in market.sim.calls if c.operation == operation]


@pytest.mark.parametrize("version", [4, 5])
async def test_coupang_pages_to_the_end_acknowledges_and_rereads_every_new_box(
    market: RunningSimulator, version: int
) -> None:
    vendor = _seed(market.sim, 130, "COUPANG")
    fetched = await _coupang(market, vendor, version=version)
    assert len(fetched.orders) == 130 and fetched.acknowledged == 130 and not fetched.problems
    assert _calls(market, "ordersheets") == [200, 200, 200, 200]  # 3 ACCEPT pages + 1 INSTRUCT
    assert len(_calls(market, "ordersheet")) == 130  # every acknowledged box read again
    assert {b.status for b in market.sim.boxes[vendor].values()} == {"INSTRUCT"}
    again = await _coupang(market, vendor)  # now listed as INSTRUCT: found, not acknowledged again
    assert len(again.orders) == 130 and again.acknowledged == 0


async def test_429_waits_for_retry_after_and_5xx_is_retried(market: RunningSimulator) -> None:
    vendor = _seed(market.sim, 5, "COUPANG")
    market.sim.script.add(
        [
            Rule(action="rate_limit", operation="ordersheets", retry_after=1),
            Rule(action="server_error", operation="acknowledge", status=502, times=2),
        ]
    )
    started = time.monotonic()
    fetched = await _coupang(market, vendor)
    assert len(fetched.orders) == 5 and fetched.acknowledged == 5
    assert time.monotonic() - started >= 1.0  # Retry-After honoured, not the 0.05 s backoff
    assert _calls(market, "ordersheets")[:2] == [429, 200]
    assert _calls(market, "acknowledge") == [502, 502, 200]


async def test_a_slow_answer_times_out_and_is_asked_again(market: RunningSimulator) -> None:
    vendor = _seed(market.sim, 2, "COUPANG")
    market.sim.script.add([Rule(action="slow", operation="ordersheets", delay_seconds=1.5)])
    fetched = await _coupang(market, vendor, timeout=0.5)
    assert len(fetched.orders) == 2


async def test_an_address_changed_while_accept_is_what_the_reread_returns(
    market: RunningSimulator,
) -> None:
    vendor = _seed(market.sim, 3, "COUPANG")
    box_id = min(market.sim.boxes[vendor])
    before = dict(market.sim.boxes[vendor][box_id].receiver)
    market.sim.script.add(
        [Rule(action="change_address", operation="acknowledge", order_ids=[str(box_id)])]
    )
    fetched = await _coupang(market, vendor)
    order = fetched.orders[f"s1:COUPANG:{box_id}"].order
    assert order is not None
    assert order.recipient.address1 != before["addr1"]
    assert order.recipient.address1 == market.sim.boxes[vendor][box_id].receiver["addr1"]


async def test_a_malformed_row_is_named_and_the_others_are_collected(
    market: RunningSimulator,
) -> None:
    vendor = _seed(market.sim, 4, "COUPANG")
    market.sim.script.add([Rule(action="malformed_row", operation="ordersheets")])
    fetched = await _coupang(market, vendor)
    assert len(fetched.problems) == 1 and "orderItems[0].shippingCount" in fetched.problems[0]
    assert "vendorId" in fetched.problems[0]
    assert len(fetched.orders) == 3  # the broken box is left ACCEPT for the next collection


async def test_a_wrong_coupang_secret_is_refused_naming_the_account(
    market: RunningSimulator,
) -> None:
    vendor = _seed(market.sim, 1, "COUPANG")
    with pytest.raises(AuthenticationFailed, match=rf"vendorId {vendor}.*401.*signature"):
        await _coupang(market, vendor, secret="not-the-secret")


async def test_a_cancellation_shows_as_a_cancelled_order(market: RunningSimulator) -> None:
    vendor = _seed(market.sim, 2, "COUPANG")
    box_id = min(market.sim.boxes[vendor])
    market.sim.script.add([Rule(action="cancel", operation="ordersheets", order_ids=[str(box_id)])])
    fetched = await _coupang(market, vendor)
    assert fetched.orders[f"s1:COUPANG:{box_id}"].fully_cancelled
    assert fetched.acknowledged == 1


async def test_naver_follows_more_confirms_in_thirties_and_rereads(
    market: RunningSimulator,
) -> None:
    client_id = _seed(market.sim, 400, "NAVER")
    product_orders = len(market.sim.product_orders[client_id])
    assert product_orders > 300
    fetched = await _naver(market, client_id)
    assert len(fetched.orders) == product_orders and fetched.acknowledged == product_orders
    # 300 rows a page, the next pages through `more`
    assert len(_calls(market, "changes")) == -(-product_orders // 300)
    assert len(_calls(market, "confirm")) == -(-product_orders // 30)
    assert Counter(
        po.place_order_status for po in market.sim.product_orders[client_id].values()
    ) == {"OK": product_orders}
    assert _calls(market, "token") == [200]
    # the simulator's addresses carry Naver's building management number and road-name flag
    sent = {po.product_order_id: po.address for po in market.sim.product_orders[client_id].values()}
    pos = market.sim.product_orders[client_id]
    full = [r for r in fetched.orders.values() if not pos[r.ref.marketplace_order_id].sparse]
    assert full  # rows rendered sparse may leave both out; they are read as unknown
    for remote in full:
        assert remote.order is not None
        address, recipient = sent[remote.ref.marketplace_order_id], remote.order.recipient
        assert recipient.building_management_no == address["buildingManagementNo"]
        assert recipient.road_name_address is address["isRoadNameAddress"]


async def test_naver_renews_an_expired_token_once_and_retries_rate_limits(
    market: RunningSimulator,
) -> None:
    client_id = _seed(market.sim, 3, "NAVER")
    account = market.sim.naver[client_id]
    async with httpx.AsyncClient(timeout=10) as http:
        naver = NaverClient(
            http, market.url, client_id, account.client_secret, "NAVER account 't'", FAST
        )
        await _naver(market, client_id, client=naver)
        for token in market.sim.tokens:  # the marketplace expires it early
            market.sim.tokens[token] = (client_id, datetime.now(UTC))
        market.sim.script.add([Rule(action="rate_limit", operation="changes", retry_after=1)])
        fetched = await _naver(market, client_id, client=naver)
    assert len(fetched.orders) == len(market.sim.product_orders[client_id])
    assert _calls(market, "token") == [200, 200]
    assert 429 in _calls(market, "changes")


async def test_a_wrong_naver_secret_is_refused_naming_the_account(market: RunningSimulator) -> None:
    client_id = _seed(market.sim, 1, "NAVER")
    with pytest.raises(
        AuthenticationFailed, match=rf"client_id {client_id}.*token request.*GW.AUTHN"
    ):
        await _naver(market, client_id, secret="$2a$04$abcdefghijklmnopqrstuu")


async def test_a_naver_claim_during_confirmation_is_a_cancellation(
    market: RunningSimulator,
) -> None:
    client_id = _seed(market.sim, 2, "NAVER")
    first = min(market.sim.product_orders[client_id])
    market.sim.script.add([Rule(action="cancel", operation="confirm", order_ids=[first])])
    fetched = await _naver(market, client_id)
    assert fetched.orders[f"s1:NAVER:{first}"].fully_cancelled
    assert any("not confirmed (CLAIM_REQUESTED)" in p for p in fetched.problems)


async def test_a_box_with_a_control_character_is_a_problem_and_the_rest_are_collected(
    market: RunningSimulator,
) -> None:
    vendor = _seed(market.sim, 4, "COUPANG")
    box_id = min(market.sim.boxes[vendor])
    market.sim.boxes[vendor][box_id].receiver["name"] = "김\x00민준"
    fetched = await _coupang(market, vendor)
    assert len(fetched.orders) == 3
    assert all(str(box_id) not in uid for uid in fetched.orders)
    assert len(fetched.problems) == 1
    assert str(box_id) in fetched.problems[0] and "recipient.name" in fetched.problems[0]
    assert "U+0000" in fetched.problems[0] and "\x00" not in fetched.problems[0]
