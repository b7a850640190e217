"""Claims over an order's whole life, on PostgreSQL against the simulator over HTTP: the periodic
(12-hour) collection finds a cancellation of an order collected days ago through the claim
endpoints, and a return asked for after shipping becomes a case on the attention list."""

import asyncio
import json
import os
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import httpx
import pytest

from packline_collector.adapters import orders_repository as orders
from packline_collector.adapters.http_retry import RetryPolicy
from packline_collector.adapters.marketplaces import Gateways
from packline_collector.bootstrap import MIGRATIONS
from packline_collector.domain.accounts import NewAccount
from packline_collector.domain.endpoints import EndpointPolicy
from packline_collector.service_layer import account_keys
from packline_collector.service_layer.collection import Collection
from packline_contracts import Marketplace, OrderRef
from packline_marketsim import coupang_state
from packline_marketsim.generator import generate
from packline_marketsim.server import RunningSimulator, running
from packline_marketsim.state import Simulator
from packline_runtime.secret_box import SecretBox

BOX = SecretBox(os.urandom(32))
FAST = RetryPolicy(attempts=3, base_delay=0.05, max_delay=1.0)


@pytest.fixture
async def market() -> AsyncIterator[RunningSimulator]:
    async with running(Simulator(seed=9)) as server:
        yield server


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=10) as client:
        yield client


async def _accounts(pool: asyncpg.Pool, market: RunningSimulator, paid_from: datetime) -> None:
    coupang, naver = market.sim.add_coupang(), market.sim.add_naver()
    for order in generate(16, seed=16, paid_from=paid_from, spacing=timedelta(seconds=30)):
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


async def _finished(pool: asyncpg.Pool, job_id: uuid.UUID) -> dict[str, Any]:
    deadline = asyncio.get_running_loop().time() + 60
    while asyncio.get_running_loop().time() < deadline:
        async with pool.acquire() as conn:
            row = await conn.fetchrow("SELECT * FROM collection_jobs WHERE job_id = $1", job_id)
        if row and row["status"] != "RUNNING":
            return dict(row)
        await asyncio.sleep(0.05)
    raise AssertionError(f"job {job_id} did not finish in 60s")


async def _periodic(collection: Collection, pool: asyncpg.Pool) -> dict[str, Any]:
    """The next tick of automatic collection (the last 12 hours), with every account due."""
    async with pool.acquire() as conn:
        await conn.execute("UPDATE marketplace_accounts SET next_collect_at = now()")
    assert await collection.collect_due() == 2
    async with pool.acquire() as conn:
        job_id = await conn.fetchval(
            "SELECT job_id FROM collection_jobs WHERE kind = 'AUTO' ORDER BY started_at DESC LIMIT 1"
        )
    return await _finished(pool, job_id)


async def _setup(
    new_schema: Any, market: RunningSimulator, http: httpx.AsyncClient, age: timedelta
) -> tuple[asyncpg.Pool, Collection]:
    """Orders paid `age` ago, collected (and acknowledged) by a manual collection covering them."""
    pool = await new_schema(MIGRATIONS)
    now = datetime.now(UTC)
    await _accounts(pool, market, now - age)
    gateways = Gateways(
        http, FAST, EndpointPolicy.from_setting(market.url.removeprefix("http://")), BOX
    )
    collection = Collection(lambda: pool, gateways.for_account)
    job_id = await collection.start_manual(
        "s1", ["COUPANG", "NAVER"], now - age - timedelta(days=1), now
    )
    first = await _finished(pool, job_id)
    assert first["status"] == "SUCCEEDED" and first["created"] > 0, first
    return pool, collection


def _boxes(market: RunningSimulator) -> list[coupang_state.CoupangBox]:
    return sorted(
        (b for boxes in market.sim.boxes.values() for b in boxes.values()),
        key=lambda b: b.shipment_box_id,
    )


async def test_an_old_cancellation_is_found_by_the_periodic_collection(
    new_schema: Any, market: RunningSimulator, http: httpx.AsyncClient
) -> None:
    pool, collection = await _setup(new_schema, market, http, timedelta(days=2))
    boxes = _boxes(market)
    assert {b.status for b in boxes} == {"INSTRUCT"}
    whole = boxes[0]
    partial = next(b for b in boxes[1:] if len(b.items) > 1)
    coupang_state.cancel(whole, None, None)  # held for cancellation: a release-stop receipt
    coupang_state.cancel(partial, partial.items[0].vendor_item_id, None)
    po = min(
        (p for pos in market.sim.product_orders.values() for p in pos.values()),
        key=lambda p: p.product_order_id,
    )
    market.sim.cancel_naver(po)
    # a box of the same age never collected here (sold before Packline): a claim on it does not
    # make it ours to ship
    (stranger,) = generate(
        1, marketplaces=("COUPANG",), seed=99, paid_from=datetime.now(UTC) - timedelta(days=2)
    )
    (box_id,) = market.sim.place(stranger, whole.vendor_id)
    unknown = market.sim.boxes[whole.vendor_id][int(box_id)]
    unknown.status = "INSTRUCT"
    unknown.items[0].shipping_count = 2
    coupang_state.cancel(unknown, unknown.items[0].vendor_item_id, 1)

    job = await _periodic(collection, pool)
    assert (job["status"], job["cancelled"], job["created"]) == ("SUCCEEDED", 3, 0), job
    async with pool.acquire() as conn:
        cancels = [
            json.loads(r["payload"])
            for r in await conn.fetch("SELECT payload FROM outbox ORDER BY id")
            if json.loads(r["payload"])["event_type"] == "OrderCancelled"
        ]
        attention = await conn.fetch("SELECT marketplace_order_id, kind FROM order_attention")
        statuses = await conn.fetch(
            "SELECT marketplace_order_id, status FROM orders WHERE status <> 'COLLECTED'"
        )
    lines = {c["order"]["marketplace_order_id"]: c["lines"] for c in cancels}
    assert lines == {
        str(whole.shipment_box_id): None,
        po.product_order_id: None,
        # the partial claim is applied: exactly the cancelled units of that line, the rest goes on
        str(partial.shipment_box_id): [
            {
                "line_id": partial.items[0].vendor_item_id,
                "quantity": partial.items[0].shipping_count,
            }
        ],
    }
    assert {c["source"] for c in cancels} == {"MARKETPLACE_CLAIM"}
    assert list(attention) == []
    assert not [r for r in statuses if r["marketplace_order_id"] == box_id]
    assert {r["marketplace_order_id"]: r["status"] for r in statuses} == {
        str(whole.shipment_box_id): "CANCEL_REQUESTED",
        po.product_order_id: "CANCEL_REQUESTED",
    }
    again = await _periodic(collection, pool)  # the same claims again: nothing new
    assert (again["cancelled"], again["needs_attention"], again["created"]) == (0, 0, 0)


async def test_a_return_after_shipping_becomes_a_case_on_the_attention_list(
    new_schema: Any, market: RunningSimulator, http: httpx.AsyncClient
) -> None:
    pool, collection = await _setup(new_schema, market, http, timedelta(days=3))
    box = _boxes(market)[0]
    po = min(
        (p for pos in market.sim.product_orders.values() for p in pos.values()),
        key=lambda p: p.product_order_id,
    )
    shipped = [
        OrderRef(
            seller_id="s1",
            marketplace=Marketplace.COUPANG,
            marketplace_order_id=str(box.shipment_box_id),
        ),
        OrderRef(
            seller_id="s1", marketplace=Marketplace.NAVER, marketplace_order_id=po.product_order_id
        ),
    ]
    async with pool.acquire() as conn:  # what the Shipped event does
        await orders.set_status(conn, shipped, "SHIPPED")
    box.status, po.status = "DELIVERING", "DELIVERING"  # on their way on the marketplaces
    market.sim.log_change(po, "DISPATCHED")
    assert coupang_state.request_return(box) and market.sim.return_naver(po)

    job = await _periodic(collection, pool)
    assert (job["status"], job["cancelled"], job["needs_attention"]) == ("SUCCEEDED", 0, 2), job
    async with pool.acquire() as conn:
        attention = await conn.fetch(
            "SELECT marketplace_order_id, kind, detail FROM order_attention ORDER BY marketplace"
        )
        events = [json.loads(r["payload"]) for r in await conn.fetch("SELECT payload FROM outbox")]
    cancels = sum(e["event_type"] == "OrderCancelled" for e in events)
    assert [(r["marketplace_order_id"], r["kind"]) for r in attention] == [
        (str(box.shipment_box_id), "RETURN_REQUESTED"),
        (po.product_order_id, "RETURN_REQUESTED"),
    ]
    assert all("반품" in r["detail"] for r in attention) and cancels == 0
    again = await _periodic(collection, pool)
    assert again["needs_attention"] == 0
