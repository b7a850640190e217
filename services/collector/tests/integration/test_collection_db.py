"""Collection jobs on PostgreSQL against the simulator over HTTP: orders registered once,
re-collection turning claims and address changes into events, leases between replicas, and
one account's bad key not stopping the others."""

import asyncio
import json
import os
import uuid
from collections import Counter
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import httpx
import pytest

from packline_collector.adapters import accounts_repository
from packline_collector.adapters.http_retry import RetryPolicy
from packline_collector.adapters.marketplaces import Gateways
from packline_collector.bootstrap import MIGRATIONS
from packline_collector.domain.accounts import NewAccount, view
from packline_collector.domain.endpoints import EndpointPolicy
from packline_collector.service_layer import account_keys
from packline_collector.service_layer.collection import Collection
from packline_marketsim.generator import generate
from packline_marketsim.server import RunningSimulator, running
from packline_marketsim.state import Simulator
from packline_runtime.secret_box import SecretBox

BOX = SecretBox(os.urandom(32))
FAST = RetryPolicy(attempts=3, base_delay=0.05, max_delay=1.0)


def _allowing(market: RunningSimulator) -> EndpointPolicy:
    """What the launcher's PACKLINE_MARKETPLACE_ALLOWED_HOSTS does for its simulator."""
    return EndpointPolicy.from_setting(market.url.removeprefix("http://"))


@pytest.fixture
async def market() -> AsyncIterator[RunningSimulator]:
    async with running(Simulator(seed=4)) as server:
        yield server


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=10) as client:
        yield client


async def _accounts(
    pool: asyncpg.Pool, market: RunningSimulator, count: int, wrong_secret: bool = False
) -> dict[str, str]:
    coupang, naver = market.sim.add_coupang(), market.sim.add_naver()
    for order in generate(count, seed=count, spacing=timedelta(seconds=30)):
        market.sim.place(
            order, coupang.vendor_id if order.marketplace == "COUPANG" else naver.client_id
        )
    bodies = [
        {
            "marketplace": "COUPANG",
            "name": "쿠팡 본점",
            "vendor_id": coupang.vendor_id,
            "access_key": coupang.access_key,
            "secret_key": "wrong" if wrong_secret else coupang.secret_key,
        },
        {
            "marketplace": "NAVER",
            "name": "스마트스토어",
            "client_id": naver.client_id,
            "client_secret": naver.client_secret,
        },
    ]
    ids = {}
    async with pool.acquire() as conn:
        for body in bodies:
            row = await account_keys.add_account(
                conn, BOX, NewAccount.model_validate({"seller_id": "s1", **body}), market.url
            )
            assert row is not None
            ids[body["marketplace"]] = str(row["account_id"])
    return ids


async def _finished(pool: asyncpg.Pool, job_id: uuid.UUID) -> dict[str, Any]:
    deadline = asyncio.get_running_loop().time() + 60
    while asyncio.get_running_loop().time() < deadline:
        async with pool.acquire() as conn:
            row = await conn.fetchrow("SELECT * FROM collection_jobs WHERE job_id = $1", job_id)
        if row and row["status"] != "RUNNING":
            return dict(row)
        await asyncio.sleep(0.05)
    raise AssertionError(f"job {job_id} did not finish in 60s")


async def _outbox(pool: asyncpg.Pool) -> list[dict[str, Any]]:
    async with pool.acquire() as conn:
        rows = await conn.fetch("SELECT payload FROM outbox ORDER BY id")
    return [json.loads(r["payload"]) for r in rows]


async def _manual(collection: Collection) -> dict[str, Any]:
    now = datetime.now(UTC)
    job_id = await collection.start_manual("s1", ["COUPANG", "NAVER"], now - timedelta(days=2), now)
    return await _finished(collection._pool(), job_id)


async def test_orders_are_registered_once_and_recollection_adds_no_duplicate(
    new_schema: Any, market: RunningSimulator, http: httpx.AsyncClient
) -> None:
    pool = await new_schema(MIGRATIONS)
    await _accounts(pool, market, 60)
    collection = Collection(lambda: pool, Gateways(http, FAST, _allowing(market), BOX).for_account)
    first = await _manual(collection)
    orders = sum(len(b) for b in market.sim.boxes.values()) + sum(
        len(p) for p in market.sim.product_orders.values()
    )
    assert (first["status"], first["created"], first["fetched"], first["accounts_done"]) == (
        "SUCCEEDED",
        orders,
        orders,
        2,
    )
    second = await _manual(collection)
    assert (second["created"], second["unchanged"], second["acknowledged"]) == (0, orders, 0)
    events = Counter(e["event_type"] for e in await _outbox(pool))
    assert events == {"OrderCollected": orders}


async def test_claims_and_an_address_change_after_collection_become_events(
    new_schema: Any, market: RunningSimulator, http: httpx.AsyncClient
) -> None:
    pool = await new_schema(MIGRATIONS)
    await _accounts(pool, market, 20)
    collection = Collection(lambda: pool, Gateways(http, FAST, _allowing(market), BOX).for_account)
    await _manual(collection)
    box = next(b for boxes in market.sim.boxes.values() for b in boxes.values())
    from packline_marketsim import coupang_state

    coupang_state.cancel(box, None, None)  # INSTRUCT by now: held for cancellation
    cancelled_po, moved_po = list(next(iter(market.sim.product_orders.values())).values())[:2]
    market.sim.cancel_naver(cancelled_po)
    market.sim.move_naver(moved_po)
    job = await _manual(collection)
    assert (job["cancelled"], job["recipient_changed"], job["created"]) == (2, 1, 0)
    events = await _outbox(pool)
    cancels = [e for e in events if e["event_type"] == "OrderCancelled"]
    assert {c["order"]["marketplace_order_id"] for c in cancels} == {
        str(box.shipment_box_id),
        cancelled_po.product_order_id,
    }
    assert {c["source"] for c in cancels} == {"MARKETPLACE_CLAIM"}
    (changed,) = [e for e in events if e["event_type"] == "OrderRecipientChanged"]
    assert changed["order"]["marketplace_order_id"] == moved_po.product_order_id
    assert changed["new_recipient_key"] != changed["recipient_key"]
    assert changed["recipient"]["address1"] == moved_po.address["baseAddress"]
    async with pool.acquire() as conn:
        kinds = await conn.fetch("SELECT kind FROM order_attention")
    assert kinds == []  # not shipped: the later stages apply the change (ADR 0002)
    third = await _manual(collection)  # nothing new: no second event for the same change
    assert (third["cancelled"], third["recipient_changed"]) == (0, 0)


async def test_two_replicas_collect_each_due_account_once(
    new_schema: Any, market: RunningSimulator, http: httpx.AsyncClient
) -> None:
    pool = await new_schema(MIGRATIONS)
    await _accounts(pool, market, 10)
    gateways = Gateways(http, FAST, _allowing(market), BOX)
    replicas = [Collection(lambda: pool, gateways.for_account) for _ in range(2)]
    collected = await asyncio.gather(*(r.collect_due() for r in replicas))
    assert sum(collected) == 2
    assert await replicas[0].collect_due() == 0  # both rescheduled interval_minutes ahead
    token_calls = [c for c in market.sim.calls if c.operation == "token"]
    listing_runs = [c for c in market.sim.calls if c.operation == "ordersheets" and c.status == 200]
    assert len(token_calls) == 1 and len(listing_runs) == 2  # ACCEPT + INSTRUCT, one run


async def test_a_wrong_secret_fails_only_its_account_and_says_which(
    new_schema: Any, market: RunningSimulator, http: httpx.AsyncClient
) -> None:
    pool = await new_schema(MIGRATIONS)
    ids = await _accounts(pool, market, 20, wrong_secret=True)
    job = await _manual(
        Collection(lambda: pool, Gateways(http, FAST, _allowing(market), BOX).for_account)
    )
    problems = json.loads(job["problems"])
    assert job["status"] == "PARTIAL" and job["created"] == sum(
        len(p) for p in market.sim.product_orders.values()
    )
    assert (
        len(problems) == 1 and "COUPANG account '쿠팡 본점'" in problems[0] and "401" in problems[0]
    )
    async with pool.acquire() as conn:
        rows = {str(r["account_id"]): r for r in await accounts_repository.list_for(conn, "s1")}
    coupang = rows[ids["COUPANG"]]
    assert "Invalid signature" in coupang["last_error"] and rows[ids["NAVER"]]["last_error"] == ""
    shown = json.dumps(view(coupang), default=str)
    access_key = market.sim.coupang[coupang["login_id"]].access_key
    assert access_key not in shown and "wrong" not in shown


async def test_an_account_stored_with_a_forbidden_base_url_is_refused_before_any_request(
    new_schema: Any, market: RunningSimulator, http: httpx.AsyncClient
) -> None:
    """A row written before base_urls were checked (or around the API) keeps its keys home."""
    connections = 0

    async def count(_reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal connections
        connections += 1
        writer.close()

    listener = await asyncio.start_server(count, "127.0.0.1", 0)
    port = listener.sockets[0].getsockname()[1]
    pool = await new_schema(MIGRATIONS)
    try:
        ids = await _accounts(pool, market, 4)
        async with pool.acquire() as conn:
            await conn.execute(
                "UPDATE marketplace_accounts SET base_url = $1", f"http://127.0.0.1:{port}"
            )
        job = await _manual(
            Collection(lambda: pool, Gateways(http, FAST, EndpointPolicy(), BOX).for_account)
        )
        async with pool.acquire() as conn:
            rows = await accounts_repository.list_for(conn, "s1")
    finally:
        listener.close()
        await listener.wait_closed()
    problems = json.loads(job["problems"])
    assert (job["status"], job["created"], len(problems)) == ("FAILED", 0, 2), job
    assert all("IP address that is not allowed" in p for p in problems), problems
    assert all("PATCH /accounts/" in p for p in problems)
    assert {str(r["account_id"]) for r in rows if "not collected" in r["last_error"]} == set(
        ids.values()
    )
    assert connections == 0
    assert market.sim.calls == []
