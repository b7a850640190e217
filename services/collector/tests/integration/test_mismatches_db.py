"""상태 불일치 on PostgreSQL against the marketplace simulator over real HTTP: orders collected,
shipped and pushed; then the marketplace changes some of them (a buyer's return, an invoice
withdrawn back to INSTRUCT, a number corrected by hand). The check reports each with its kind,
resolves those the marketplace agrees with again, and the day's reconciliation counts them."""

import asyncio
import json
import uuid
from collections.abc import AsyncIterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import asyncpg
import httpx
import pytest

from packline_collector.adapters import accounts_repository
from packline_collector.adapters.http_retry import RetryPolicy
from packline_collector.adapters.marketplaces import Gateways
from packline_collector.bootstrap import MIGRATIONS
from packline_collector.domain.accounts import NewAccount
from packline_collector.domain.endpoints import EndpointPolicy
from packline_collector.domain.mismatch import MismatchKind
from packline_collector.service_layer import mismatches, use_cases
from packline_collector.service_layer.collection import Collection
from packline_collector.service_layer.mismatches import Checker
from packline_collector.service_layer.push import Pusher
from packline_contracts import (
    OrderCollected,
    Shipped,
    ShippedOrder,
    SkuLine,
    WaybillIssued,
)
from packline_marketsim.generator import generate
from packline_marketsim.server import RunningSimulator, running
from packline_marketsim.state import Simulator
from packline_runtime.unit_of_work import unit_of_work

FAST = RetryPolicy(attempts=3, base_delay=0.05, max_delay=1.0)
SELLER = "s1"


def _gateways(market: RunningSimulator, http: httpx.AsyncClient) -> Gateways:
    return Gateways(http, FAST, EndpointPolicy.from_setting(market.url.removeprefix("http://")))


async def _collected(
    pool: asyncpg.Pool, market: RunningSimulator, http: httpx.AsyncClient, count: int
) -> tuple[dict[str, str], list[OrderCollected]]:
    """Accounts on the simulator, `count` generated orders collected the way the service does."""
    coupang, naver = market.sim.add_coupang(), market.sim.add_naver()
    for order in generate(count, seed=count, spacing=timedelta(seconds=30), repeat_share=0):
        market.sim.place(
            order, coupang.vendor_id if order.marketplace == "COUPANG" else naver.client_id
        )
    async with pool.acquire() as conn:
        for body in (
            {
                "marketplace": "COUPANG",
                "name": "쿠팡",
                "vendor_id": coupang.vendor_id,
                "access_key": coupang.access_key,
                "secret_key": coupang.secret_key,
            },
            {
                "marketplace": "NAVER",
                "name": "스마트스토어",
                "client_id": naver.client_id,
                "client_secret": naver.client_secret,
            },
        ):
            await accounts_repository.add(
                conn, NewAccount.model_validate({"seller_id": SELLER, **body}), market.url
            )
    collection = Collection(lambda: pool, _gateways(market, http).for_account)
    now = datetime.now(UTC)
    job_id = await collection.start_manual(
        SELLER, ["COUPANG", "NAVER"], now - timedelta(days=2), now
    )
    deadline = asyncio.get_running_loop().time() + 60
    while True:
        async with pool.acquire() as conn:
            status = await conn.fetchval(
                "SELECT status FROM collection_jobs WHERE job_id = $1", job_id
            )
        if status != "RUNNING":
            break
        assert asyncio.get_running_loop().time() < deadline, "collection did not finish in 60s"
        await asyncio.sleep(0.05)
    async with pool.acquire() as conn:
        rows = await conn.fetch("SELECT payload FROM outbox WHERE event_type = 'OrderCollected'")
    orders = [OrderCollected.model_validate(json.loads(r["payload"])) for r in rows]
    assert orders, "nothing was collected"
    return {"COUPANG": coupang.vendor_id, "NAVER": naver.client_id}, orders


def _number(n: int) -> str:
    return f"6{n:011d}"


def _shipped(order: OrderCollected, number: str, courier: str = "CJGLS") -> Shipped:
    parcel = uuid.uuid5(uuid.NAMESPACE_URL, order.order.uid)
    return Shipped(
        **order.follow_up(),
        bundle_id=parcel,
        parcel_id=parcel,
        courier_code=courier,
        tracking_number=number,
        shipped_at=datetime.now(UTC),
        orders=(
            ShippedOrder(order=order.order, line_ids=tuple(line.line_id for line in order.lines)),
        ),
        stock_out=(SkuLine(sku="A", quantity=1),),
    )


async def _consume(pool: asyncpg.Pool, events: Sequence[Shipped | WaybillIssued]) -> None:
    """What the subscriber does with a batch of these events, in one transaction."""
    async with unit_of_work(pool) as uow:
        await use_cases.note_progress(uow, events)


async def _push_all(pusher: Pusher) -> int:
    """Ticks of the background loop until no line is due."""
    tried = 0
    deadline = asyncio.get_running_loop().time() + 60
    while done := await pusher.push_due():
        tried += done
        assert asyncio.get_running_loop().time() < deadline, "pushes still due after 60s"
    return tried


@pytest.fixture
async def market() -> AsyncIterator[RunningSimulator]:
    async with running(Simulator(seed=11)) as server:
        yield server


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=10) as client:
        yield client


async def _sim(http: httpx.AsyncClient, url: str, body: dict[str, Any] | None = None) -> None:
    answer = await http.post(url, json=body)
    assert answer.status_code == 200, answer.text


async def test_a_marketplace_changing_shipped_orders_is_reported_and_resolved_when_it_agrees(
    new_schema: Any, market: RunningSimulator, http: httpx.AsyncClient
) -> None:
    pool = await new_schema(MIGRATIONS, prefix="mismatch")
    accounts, orders = await _collected(pool, market, http, 12)
    numbers = {o.order.marketplace_order_id: _number(n) for n, o in enumerate(orders)}
    await _consume(pool, [_shipped(o, numbers[o.order.marketplace_order_id]) for o in orders])
    gateways = _gateways(market, http)
    await _push_all(Pusher(lambda: pool, gateways.pusher_for))
    checker = Checker(lambda: pool, gateways.status_reader_for)

    first = await checker.check(SELLER)  # the marketplaces agree with every line
    assert first.open == 0 and first.unanswered == 0 and first.checked > 0

    coupang = [o.order for o in orders if o.order.marketplace.value == "COUPANG"]
    naver = [o.order for o in orders if o.order.marketplace.value == "NAVER"]
    base = f"{market.url}/_sim/orders"
    c_return, c_back, n_return, n_other = coupang[0], coupang[1], naver[0], naver[1]
    for ref in (c_return, n_return):  # the buyer asks to return what we shipped
        m = ref.marketplace.value
        await _sim(http, f"{base}/{m}/{accounts[m]}/{ref.marketplace_order_id}/return")
    # the invoice withdrawn in WING: the box is back to INSTRUCT without a number
    await _sim(
        http,
        f"{base}/COUPANG/{accounts['COUPANG']}/{c_back.marketplace_order_id}/status",
        {"status": "INSTRUCT", "tracking_number": ""},
    )
    # a number corrected by hand at Naver
    await _sim(
        http,
        f"{base}/NAVER/{accounts['NAVER']}/{n_other.marketplace_order_id}/status",
        {"tracking_number": "699999999999"},
    )

    second = await checker.check(SELLER)
    assert second.unanswered == 0
    async with unit_of_work(pool) as uow:
        found = await mismatches.listed(uow, SELLER, True, None, 1000, 0)
    kinds = {(m.marketplace_order_id, m.kind) for m in found}
    assert kinds == {
        (c_return.marketplace_order_id, MismatchKind.CANCELLED_AFTER_SHIPPING),
        (n_return.marketplace_order_id, MismatchKind.CANCELLED_AFTER_SHIPPING),
        (c_back.marketplace_order_id, MismatchKind.SHIPPED_NOT_AT_MARKETPLACE),
        (n_other.marketplace_order_id, MismatchKind.NUMBER_DIFFERS),
    }
    differs = next(m for m in found if m.kind is MismatchKind.NUMBER_DIFFERS)
    assert differs.marketplace_tracking_number == "699999999999"
    assert differs.our_tracking_number == numbers[n_other.marketplace_order_id]
    back = next(m for m in found if m.kind is MismatchKind.SHIPPED_NOT_AT_MARKETPLACE)
    assert back.marketplace_status == "INSTRUCT"

    # the seller puts our numbers back: a later check agrees and resolves those two
    await _sim(
        http,
        f"{base}/COUPANG/{accounts['COUPANG']}/{c_back.marketplace_order_id}/status",
        {"status": "DEPARTURE", "tracking_number": numbers[c_back.marketplace_order_id]},
    )
    await _sim(
        http,
        f"{base}/NAVER/{accounts['NAVER']}/{n_other.marketplace_order_id}/status",
        {"tracking_number": numbers[n_other.marketplace_order_id]},
    )
    third = await checker.check(SELLER)
    resolved_lines = sum(
        m.marketplace_order_id in {c_back.marketplace_order_id, n_other.marketplace_order_id}
        for m in found
    )
    assert third.resolved == resolved_lines
    async with unit_of_work(pool) as uow:
        still = await mismatches.listed(uow, SELLER, True, None, 1000, 0)
        every = await mismatches.listed(uow, SELLER, False, None, 1000, 0)
        today = datetime.now(UTC).astimezone(ZoneInfo("Asia/Seoul")).date()
        day = await mismatches.reconciliation(uow, SELLER, today)
    assert {m.marketplace_order_id for m in still} == {
        c_return.marketplace_order_id,
        n_return.marketplace_order_id,
    }
    assert len(every) == len(found)
    assert all(m.resolved_at for m in every if m not in still)

    by_marketplace = {d.marketplace: d for d in day}
    assert set(by_marketplace) == {"COUPANG", "NAVER"}
    for m, refs in (("COUPANG", coupang), ("NAVER", naver)):
        d = by_marketplace[m]
        lines = [line for o in orders if o.order in refs for line in o.lines]
        assert d.collected == len(refs)
        assert d.shipped == d.pushed_sent == len(lines) and d.pushed_failed == 0
        assert sum(d.mismatched.values()) == sum(1 for x in every if x.marketplace == m)
        assert d.mismatched_open == sum(1 for x in still if x.marketplace == m)
    assert (await checker.check(SELLER)).resolved == 0  # nothing changed since
