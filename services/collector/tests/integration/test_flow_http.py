"""GET /flow over real HTTP: today's passes (collected, shipped, pushed) move as orders are
registered, shipped (Shipped on the broker) and pushed; each queue's oldest waiting item is the
earliest one and null when none waits; another seller's rows never count, the sre role's do."""

import asyncio
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from aiokafka import AIOKafkaProducer

from packline_collector.adapters import jobs_repository as jobs
from packline_collector.adapters import order_changes_repository as changes
from packline_collector.adapters import push_repository as pushes
from packline_collector.domain.push import LineKey, NewPush, PushLine, PushResult, Verdict
from packline_contracts import (
    Marketplace,
    OrderRef,
    Shipped,
    ShippedOrder,
    SkuLine,
    Topic,
    new_event_id,
)
from packline_launcher.testing_tokens import TestTokens
from packline_runtime.flow import start_of
from packline_runtime.tokens import Role

from .serving import Served, answer, own_order, served

A, B = "flow-a", "flow-b"
ACCOUNT = uuid.uuid4()
DONE = {"collected": 0, "shipped": 0, "pushed": 0}
NOTHING_WAITS = dict.fromkeys(
    ("collection_running", "push_pending", "push_failed", "attention", "cancel_requested")
)


@pytest.fixture(scope="module")
async def collector(
    database_url: str, kafka_bootstrap: str, secrets_key: str, service_tokens: TestTokens
) -> AsyncIterator[Served]:
    async with served(database_url, kafka_bootstrap, secrets_key, service_tokens) as s:
        yield s


async def _flow(s: Served, seller: str, since: datetime, role: Role = Role.OWNER) -> Any:
    async with s.as_seller(seller, role) as http:
        return await answer(await http.get("/flow", params={"since": since.isoformat()}))


def _at(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


async def _until(what: str, check: Callable[[], Awaitable[bool]]) -> None:
    deadline = asyncio.get_running_loop().time() + 60
    while not await check():
        assert asyncio.get_running_loop().time() < deadline, f"{what}: not within 60s"
        await asyncio.sleep(0.1)


def _ref(seller: str, order_id: str) -> OrderRef:
    return OrderRef(
        seller_id=seller, marketplace=Marketplace.OWN_SHOP, marketplace_order_id=order_id
    )


async def _ship(kafka_bootstrap: str, seller: str, order_id: str) -> None:
    ref = _ref(seller, order_id)
    parcel = uuid.uuid4()
    event = Shipped(
        seller_id=seller,
        correlation_id=new_event_id(),
        bundle_id=parcel,
        parcel_id=parcel,
        courier_code="HANJIN",
        tracking_number="519900000001",
        shipped_at=datetime.now(UTC),
        orders=(ShippedOrder(order=ref, line_ids=("1",)),),
        stock_out=(SkuLine(sku="A", quantity=1),),
    )
    producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap)
    await producer.start()
    try:
        await producer.send_and_wait(
            Topic.SHIPPED.value, event.model_dump_json().encode(), key=str(parcel).encode()
        )
    finally:
        await producer.stop()


def _push(seller: str, n: int) -> NewPush:
    """A line numbered for COUPANG order P-n, collected with some account: PENDING."""
    key = LineKey(seller, "COUPANG", f"P-{n}", "1")
    return NewPush(key, uuid.uuid4(), "HANJIN", f"5100{n:08d}", False, ACCOUNT)


def _leased(push: NewPush) -> PushLine:
    return PushLine(push.key, ACCOUNT, push.courier_code, push.tracking_number, 0, "")


async def test_flow_counts_passes_and_finds_the_oldest_waiting_per_queue(
    collector: Served, kafka_bootstrap: str
) -> None:
    s = collector
    since = datetime.now(UTC) - timedelta(seconds=1)
    before = await _flow(s, A, since)
    assert (_at(before["since"]), before["done"], before["oldest"]) == (since, DONE, NOTHING_WAITS)
    async with s.as_seller(A) as a:  # by default, from today's start in Korea
        today = await answer(await a.get("/flow"))
        bad = await a.get("/flow", params={"since": "2026-12-01T00:00:00"})  # no offset
    assert _at(today["since"]) == start_of(None) and bad.status_code == 422
    async with s.as_seller(A) as a, s.as_seller(B) as b:
        for order_id in ("F-1", "F-2", "F-3"):
            await answer(await a.post("/orders", json=own_order(order_id)), 201)
        await answer(await b.post("/orders", json=own_order("F-1")), 201)
        collected = await _flow(s, A, since)
        await answer(await a.post("/orders/OWN_SHOP/F-2/cancel"), 202)
        await answer(await a.post("/orders/OWN_SHOP/F-3/cancel"), 202)
    await _ship(kafka_bootstrap, A, "F-1")

    async def shipped() -> bool:
        return bool((await _flow(s, A, since))["done"]["shipped"] == 1)

    await _until("F-1 shipped", shipped)
    lines = [_push(A, n) for n in range(4)]
    async with s.pool.acquire() as conn:
        await pushes.record(conn, lines[:2])
        await pushes.record(conn, lines[2:])  # later: P-2 and P-3 wait less long
        await pushes.record(conn, [_push(B, 9)])
        now = datetime.now(UTC)
        await pushes.save_results(conn, [(_leased(lines[0]), PushResult(Verdict.SENT))], now)
        refused = PushResult(Verdict.FAILED, "X", "refused")
        await pushes.save_results(conn, [(_leased(lines[2]), refused)], now)
        job = await jobs.start(conn, A, "MANUAL", ["COUPANG"], (since, since), 1)
        refs = [_ref(A, i) for i in ("F-2", "F-3")]
        await changes.add_attention(conn, [(r, "RECIPIENT_CHANGED", "moved") for r in refs])
        rows = {
            r["what"]: r["at"]
            for r in await conn.fetch(
                """
                SELECT 'push_pending' AS what, created_at AS at FROM tracking_pushes
                WHERE seller_id = $1 AND marketplace_order_id = 'P-1'
                UNION ALL SELECT 'push_failed', last_attempt_at FROM tracking_pushes
                WHERE seller_id = $1 AND marketplace_order_id = 'P-2'
                UNION ALL SELECT 'collection_running', started_at FROM collection_jobs
                WHERE seller_id = $1
                UNION ALL SELECT 'attention', min(detected_at) FROM order_attention
                WHERE seller_id = $1
                UNION ALL SELECT 'cancel_requested', status_at FROM orders
                WHERE seller_id = $1 AND marketplace_order_id = 'F-2'
                """,
                A,
            )
        }
    waiting = await _flow(s, A, since)
    other = await _flow(s, B, since)
    everyone = await _flow(s, A, since, Role.SRE)
    later = await _flow(s, A, datetime.now(UTC) + timedelta(minutes=1))
    async with s.pool.acquire() as conn:
        await jobs.finish(conn, job, 0)
        await conn.execute(  # as the pusher would, at last
            "UPDATE tracking_pushes SET state = 'SENT', sent_at = now() "
            "WHERE seller_id = $1 AND state IN ('PENDING', 'FAILED')",
            A,
        )
        total = await conn.fetchval(
            "SELECT count(*) FROM orders WHERE collected_at >= $1 AND status <> 'DELETED'", since
        )
    drained = await _flow(s, A, since)

    assert collected["done"] == {"collected": 3, "shipped": 0, "pushed": 0}
    assert waiting["done"] == {"collected": 3, "shipped": 1, "pushed": 1}
    assert {k: _at(v) for k, v in waiting["oldest"].items()} == rows
    assert other["done"] == {"collected": 1, "shipped": 0, "pushed": 0}
    assert other["oldest"] == {**NOTHING_WAITS, "push_pending": other["oldest"]["push_pending"]}
    assert _at(other["oldest"]["push_pending"]) > rows["push_pending"]  # B's own line, later
    assert everyone["done"]["collected"] == total >= 4
    assert everyone["done"]["shipped"] >= 1 and everyone["done"]["pushed"] >= 1
    assert _at(everyone["oldest"]["push_pending"]) <= rows["push_pending"]
    assert later["done"] == DONE and later["oldest"] == waiting["oldest"]
    assert drained["done"]["pushed"] == 4
    assert drained["oldest"] == {
        **waiting["oldest"],
        "collection_running": None,
        "push_pending": None,
        "push_failed": None,
    }
