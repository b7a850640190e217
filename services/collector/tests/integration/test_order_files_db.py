"""The marketplaces' own order files on PostgreSQL against the simulator over HTTP: the same
Coupang and Naver orders collected by API and uploaded from the file the seller centre gives
(either first) are one order each, with one OrderCollected; a protected Naver file needs its
password; cancelled rows are skipped with their reason."""

import asyncio
import json
import os
from collections import Counter
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import httpx
import pytest

from packline_collector.adapters.http_retry import RetryPolicy
from packline_collector.adapters.marketplaces import Gateways
from packline_collector.bootstrap import MIGRATIONS
from packline_collector.domain.accounts import NewAccount
from packline_collector.domain.endpoints import EndpointPolicy
from packline_collector.service_layer import account_keys
from packline_collector.service_layer import excel_registration as excel
from packline_collector.service_layer.collection import Collection
from packline_marketsim import coupang_state
from packline_marketsim.generator import generate
from packline_marketsim.server import RunningSimulator, running
from packline_marketsim.state import Simulator
from packline_runtime.secret_box import SecretBox
from packline_runtime.unit_of_work import unit_of_work

BOX = SecretBox(os.urandom(32))
FAST = RetryPolicy(attempts=3, base_delay=0.05, max_delay=1.0)
PASSWORD = "naver-1234"


@pytest.fixture
async def market() -> AsyncIterator[RunningSimulator]:
    async with running(Simulator(seed=7)) as server:
        yield server


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=10) as client:
        yield client


async def _accounts(pool: asyncpg.Pool, market: RunningSimulator) -> dict[str, str]:
    coupang, naver = market.sim.add_coupang(), market.sim.add_naver()
    for order in generate(16, seed=16, spacing=timedelta(seconds=30)):
        market.sim.place(
            order, coupang.vendor_id if order.marketplace == "COUPANG" else naver.client_id
        )
    bodies = [
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
    ]
    async with pool.acquire() as conn:
        for body in bodies:
            await account_keys.add_account(
                conn, BOX, NewAccount.model_validate({"seller_id": "s1", **body}), market.url
            )
    return {"COUPANG": coupang.vendor_id, "NAVER": naver.client_id}


async def _collect(pool: asyncpg.Pool, market: RunningSimulator, http: httpx.AsyncClient) -> None:
    policy = EndpointPolicy.from_setting(market.url.removeprefix("http://"))
    collection = Collection(lambda: pool, Gateways(http, FAST, policy, BOX).for_account)
    now = datetime.now(UTC)
    job_id = await collection.start_manual("s1", ["COUPANG", "NAVER"], now - timedelta(days=2), now)
    for _ in range(600):
        async with pool.acquire() as conn:
            status = await conn.fetchval(
                "SELECT status FROM collection_jobs WHERE job_id = $1", job_id
            )
        if status != "RUNNING":
            assert status == "SUCCEEDED"
            return
        await asyncio.sleep(0.05)
    raise AssertionError("collection did not finish")


async def _upload(
    pool: asyncpg.Pool,
    market: RunningSimulator,
    http: httpx.AsyncClient,
    marketplace: str,
    account: str,
) -> dict[str, Any]:
    password = PASSWORD if marketplace == "NAVER" else ""
    response = await http.get(
        f"{market.url}/_sim/files/{marketplace}/{account}.xlsx", params={"password": password}
    )
    assert response.status_code == 200, response.text
    async with unit_of_work(pool) as uow:
        return await excel.register_file(
            uow, "s1", response.content, datetime.now(UTC), password=password or None
        )


async def _orders(pool: asyncpg.Pool) -> dict[tuple[str, str], dict[str, Any]]:
    async with pool.acquire() as conn:
        rows = await conn.fetch("SELECT * FROM orders WHERE seller_id = 's1'")
    return {(r["marketplace"], r["marketplace_order_id"]): dict(r) for r in rows}


async def _collected(pool: asyncpg.Pool) -> Counter[tuple[str, str]]:
    async with pool.acquire() as conn:
        rows = await conn.fetch("SELECT payload FROM outbox ORDER BY id")
    found: Counter[tuple[str, str]] = Counter()
    for row in rows:
        event = json.loads(row["payload"])
        if event["event_type"] == "OrderCollected":
            order = event["order"]
            found[(order["marketplace"], order["marketplace_order_id"])] += 1
    return found


def _expected(market: RunningSimulator) -> set[tuple[str, str]]:
    boxes = {("COUPANG", str(b)) for a in market.sim.boxes.values() for b in a}
    naver = {("NAVER", p) for a in market.sim.product_orders.values() for p in a}
    return boxes | naver


@pytest.mark.parametrize("api_first", [True, False])
async def test_an_order_collected_by_api_and_uploaded_from_its_file_is_one_order(
    new_schema: Any, market: RunningSimulator, http: httpx.AsyncClient, api_first: bool
) -> None:
    pool = await new_schema(MIGRATIONS)
    accounts = await _accounts(pool, market)
    expected = _expected(market)
    assert {m for m, _ in expected} == {"COUPANG", "NAVER"}
    if api_first:
        await _collect(pool, market, http)
    uploads = [await _upload(pool, market, http, m, a) for m, a in accounts.items()]
    if not api_first:
        await _collect(pool, market, http)
    assert [u["source"] for u in uploads] == ["COUPANG_WING", "NAVER_SMARTSTORE"]
    assert sum(u["orders"] for u in uploads) == len(expected)
    assert sum(u["created"] for u in uploads) == (0 if api_first else len(expected))
    orders = await _orders(pool)
    assert set(orders) == expected
    assert {o["source"] for o in orders.values()} == {"API" if api_first else "EXCEL"}
    collected = await _collected(pool)
    assert set(collected) == expected and set(collected.values()) == {1}


async def test_cancelled_rows_are_skipped_and_a_protected_file_needs_its_password(
    new_schema: Any, market: RunningSimulator, http: httpx.AsyncClient
) -> None:
    pool = await new_schema(MIGRATIONS)
    accounts = await _accounts(pool, market)
    po = next(iter(market.sim.product_orders[accounts["NAVER"]].values()))
    market.sim.cancel_naver(po)
    box = next(iter(market.sim.boxes[accounts["COUPANG"]].values()))
    coupang_state.cancel(box, None, None)
    response = await http.get(f"{market.url}/_sim/files/NAVER/{accounts['NAVER']}.xlsx?password=x")
    async with unit_of_work(pool) as uow:
        with pytest.raises(excel.FileRejected, match="password-protected"):
            await excel.register_file(uow, "s1", response.content, datetime.now(UTC))
    naver = await _upload(pool, market, http, "NAVER", accounts["NAVER"])
    coupang = await _upload(pool, market, http, "COUPANG", accounts["COUPANG"])
    assert [(s["order"], s["reason"][:8]) for s in naver["skipped"]] == [
        (po.product_order_id, "주문상태: no")
    ]
    assert {s["order"] for s in coupang["skipped"]} == {str(box.shipment_box_id)}
    orders = await _orders(pool)
    assert ("NAVER", po.product_order_id) not in orders
    assert ("COUPANG", str(box.shipment_box_id)) not in orders
    assert len(orders) == len(_expected(market)) - 2
