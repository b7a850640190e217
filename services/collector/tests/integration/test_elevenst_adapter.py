"""The 11st adapter against the marketplace simulator over real HTTP: ≤7-day windows, a wrong
key named by account, 5xx retried, a malformed record reported while the rest are collected,
EUC-KR (CP949) and UTF-8 answers, 발주확인 and 발송처리 recorded by the simulator."""

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from packline_collector.adapters.elevenst_client import ElevenstClient
from packline_collector.adapters.elevenst_dispatch import ElevenstDispatch, ElevenstStatus
from packline_collector.adapters.elevenst_gateway import ElevenstGateway
from packline_collector.adapters.http_retry import (
    AuthenticationFailed,
    MarketplaceError,
    RetryPolicy,
)
from packline_collector.domain.mismatch import ShippedLine
from packline_collector.domain.push import LineKey, PushLine, Verdict
from packline_collector.domain.remote import AWAITING_SHIPMENT, CANCELLED, Fetched
from packline_marketsim.generator import generate
from packline_marketsim.script import Rule
from packline_marketsim.server import RunningSimulator, running
from packline_marketsim.state import Simulator

FAST = RetryPolicy(attempts=4, base_delay=0.05, max_delay=1.0)
WHO = "ELEVENST account '11번가 본점' (seller ID {})"


@pytest.fixture
async def market() -> AsyncIterator[RunningSimulator]:
    async with running(Simulator(seed=4, null_share=0.3)) as server:
        yield server


async def _nothing(_: int) -> None:
    return None


def _seed(sim: Simulator, count: int, encoding: str = "euc-kr") -> str:
    seller = sim.add_elevenst(encoding=encoding).seller_id
    for order in generate(
        count, marketplaces=("ELEVENST",), seed=count, spacing=timedelta(seconds=20)
    ):
        sim.place(order, seller)
    return seller


def _client(
    market: RunningSimulator, http: httpx.AsyncClient, seller: str, key: str = ""
) -> ElevenstClient:
    api_key = key or market.sim.elevenst[seller].api_key
    return ElevenstClient(http, market.url, api_key, WHO.format(seller), FAST)


async def _fetch(
    market: RunningSimulator, seller: str, key: str = "", days: float = 0.5
) -> Fetched:
    async with httpx.AsyncClient(timeout=10) as http:
        now = datetime.now(UTC)
        gateway = ElevenstGateway(_client(market, http, seller, key), "s1")
        return await gateway.fetch(now - timedelta(days=days), now, _nothing)


def _calls(market: RunningSimulator, operation: str) -> list[int]:
    return [c.status for c in market.sim.calls if c.operation == operation]


@pytest.mark.parametrize("encoding", ["euc-kr", "utf-8"])
async def test_collects_every_dlvno_confirms_new_lines_and_reads_both_encodings(
    market: RunningSimulator, encoding: str
) -> None:
    seller = _seed(market.sim, 12, encoding)
    lines = market.sim.elevenst_lines[seller]
    fetched = await _fetch(market, seller)
    assert not fetched.problems
    dlv_nos = {line.dlv_no for line in lines.values()}
    assert set(r.ref.marketplace_order_id for r in fetched.orders.values()) == dlv_nos
    assert fetched.acknowledged == len(dlv_nos)
    assert {line.status for line in lines.values()} == {"301"}  # 발주확인 recorded
    assert len(_calls(market, "reqpackaging")) == len(lines)
    some = next(iter(lines.values()))
    remote = next(r for r in fetched.orders.values() if r.ref.marketplace_order_id == some.dlv_no)
    assert remote.state == AWAITING_SHIPMENT and remote.order is not None
    assert remote.order.recipient.name == some.rcvr_nm  # Korean text decoded right
    assert remote.order.recipient.address1 == some.base_addr
    line = next(
        ln for ln in remote.order.lines if ln.line_id == f"{some.ord_no}-{some.ord_prd_seq}"
    )
    assert (line.listing_id, line.option_id, line.quantity) == (
        some.prd_no,
        some.prd_stck_no,
        some.qty,
    )
    assert line.unit_price_krw == some.sel_prc and remote.order.marketplace_order_no == some.ord_no
    again = await _fetch(market, seller)  # now in the 배송준비중 list: found, not confirmed again
    assert len(again.orders) == len(dlv_nos) and again.acknowledged == 0


async def test_a_20_day_period_is_read_in_three_windows(market: RunningSimulator) -> None:
    seller = _seed(market.sim, 3)
    fetched = await _fetch(market, seller, days=20)
    assert _calls(market, "complete") == [200, 200, 200]
    assert _calls(market, "packaging") == [200, 200, 200]
    assert len(fetched.orders) == 3 and not fetched.problems


async def test_a_window_over_seven_days_is_refused_as_11st_refuses_it(
    market: RunningSimulator,
) -> None:
    seller = _seed(market.sim, 1)
    async with httpx.AsyncClient(timeout=10) as http:
        now = datetime.now(UTC)
        with pytest.raises(MarketplaceError, match=r"-3105: 최대 조회기간은 일주일"):
            await _client(market, http, seller).paid(now - timedelta(days=8), now)


async def test_a_wrong_key_fails_naming_the_account(market: RunningSimulator) -> None:
    seller = _seed(market.sim, 2)
    with pytest.raises(AuthenticationFailed) as caught:
        await _fetch(market, seller, key="0" * 32)
    message = str(caught.value)
    assert f"seller ID {seller}" in message and "OpenAPI Key" in message
    assert "0" * 32 not in message


async def test_5xx_is_retried_and_a_broken_document_is_a_clear_error(
    market: RunningSimulator,
) -> None:
    seller = _seed(market.sim, 2)
    market.sim.script.add(
        [
            Rule(
                action="server_error",
                marketplace="ELEVENST",
                operation="complete",
                status=503,
                times=2,
            )
        ]
    )
    fetched = await _fetch(market, seller)
    assert _calls(market, "complete")[:3] == [503, 503, 200] and len(fetched.orders) == 2
    market.sim.script.add([Rule(action="broken_xml", operation="packaging")])
    with pytest.raises(MarketplaceError, match=rf"seller ID {seller}.*malformed XML"):
        await _fetch(market, seller)


async def test_a_malformed_record_is_named_and_the_rest_collected(
    market: RunningSimulator,
) -> None:
    seller = _seed(market.sim, 6)
    market.sim.script.add([Rule(action="malformed_row", operation="complete")])
    fetched = await _fetch(market, seller)
    assert len(fetched.orders) == 5 and len(fetched.problems) == 1
    bad = next(
        ln
        for ln in market.sim.elevenst_lines[seller].values()
        if ln.dlv_no not in {r.ref.marketplace_order_id for r in fetched.orders.values()}
    )
    assert f"order {bad.ord_no}" in fetched.problems[0] and "ordQty" in fetched.problems[0]
    assert bad.status == "202"  # not confirmed: a person looks first


async def test_cp949_text_under_an_euc_kr_label_and_a_utf8_header(market: RunningSimulator) -> None:
    seller = _seed(market.sim, 2)
    market.sim.script.add([Rule(action="odd_encoding", operation="complete")])
    fetched = await _fetch(market, seller)
    messages = {r.order.recipient.message for r in fetched.orders.values() if r.order}
    assert "똠방각하 댁 문 앞에 놓아주세요" in messages


async def test_cancels_before_and_after_confirmation(market: RunningSimulator) -> None:
    seller = _seed(market.sim, 3)
    first = await _fetch(market, seller)
    assert len(first.orders) == 3
    dlv_nos = sorted({ln.dlv_no for ln in market.sim.elevenst_lines[seller].values()})
    async with httpx.AsyncClient(base_url=market.url) as http:
        await http.post(f"/_sim/orders/ELEVENST/{seller}/{dlv_nos[0]}/cancel")
    fetched = await _fetch(market, seller)
    cancelled = [r for r in fetched.orders.values() if r.ref.marketplace_order_id == dlv_nos[0]]
    assert cancelled and cancelled[0].state == CANCELLED and cancelled[0].order is None
    assert len(_calls(market, "cancelorders")) == 2


async def test_push_registers_the_invoice_per_dlvno_once_and_reads_statuses(
    market: RunningSimulator,
) -> None:
    seller = _seed(market.sim, 2)
    await _fetch(market, seller)
    line = next(iter(market.sim.elevenst_lines[seller].values()))
    key = LineKey("s1", "ELEVENST", line.dlv_no, f"{line.ord_no}-{line.ord_prd_seq}")
    push = PushLine(key, uuid.uuid4(), "CJGLS", "123456789012", 0, line.ord_no)
    async with httpx.AsyncClient(timeout=10) as http:
        client = _client(market, http, seller)
        first = await ElevenstDispatch(client).push([push])
        again = await ElevenstDispatch(client).push([push])  # a re-push: already sent
        seen = await ElevenstStatus(client).read(
            [ShippedLine(key, uuid.uuid4(), "123456789012")], datetime.now(UTC)
        )
    assert first[key].verdict == Verdict.SENT and again[key].verdict == Verdict.SENT
    pushes = [
        p for p in market.sim.pushes if p.marketplace == "ELEVENST" and p.line_id == key.line_id
    ]
    assert [(p.courier_code, p.tracking_number, p.result_code) for p in pushes] == [
        ("00034", "123456789012", "OK"),
        ("00034", "123456789012", "-3308"),
    ]
    assert line.status == "401" and seen[key].tracking_number == "123456789012"
    assert not seen[key].awaiting_shipment and not seen[key].cancelled
