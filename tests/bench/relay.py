"""The reference relay: the ceiling of Packline's design on this machine (issue 12, design.md § 2a).

Six bare stages (relay_stage.py, one process each, like one process per service) chained over
seven topics on the given broker, each with its inbox, state and outbox tables in one schema of
the given PostgreSQL. `events` OrderCollected-like events (~1 KB of JSON) go in at stage 1 as
fast as a producer sends them; the figure is events out of stage 6 per second, from the first
send to the last event out.
"""

import asyncio
import hashlib
import json
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import asyncpg
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from packline_launcher import sample_orders

STAGES = 6
STAGE_SCRIPT = Path(__file__).with_name("relay_stage.py")
sys.path.insert(0, str(STAGE_SCRIPT.parent))
import relay_stage  # noqa: E402  (a sibling script, also run as its own process)


def event_for(order: dict[str, Any]) -> dict[str, Any]:
    """A serialized OrderCollected look-alike: envelope, order, recipient, lines."""
    first = str(uuid.uuid4())
    recipient = order["recipient"]
    key = hashlib.sha256(
        f"{order['seller_id']}|{recipient['name']}|{recipient['address1']}".encode()
    ).hexdigest()[:32]
    return {
        "event_id": first,
        "event_type": "OrderCollected",
        "schema_version": 2,
        "occurred_at": order["paid_at"],
        "seller_id": order["seller_id"],
        "correlation_id": first,
        "causation_id": None,
        "order": {
            "seller_id": order["seller_id"],
            "marketplace": order["marketplace"],
            "marketplace_order_id": order["marketplace_order_id"],
        },
        "recipient_key": key,
        "ordered_at": order["ordered_at"],
        "paid_at": order["paid_at"],
        "recipient": recipient,
        "orderer_name": order["orderer_name"],
        "lines": order["lines"],
        "shipping_fee_krw": order["shipping_fee_krw"],
        "source": "API",
    }


def payloads(count: int) -> list[tuple[bytes, bytes]]:
    """(key, value) per event; order ids are unique within a run."""
    orders = sample_orders.generate(count, seller_id="seller-relay", seed=7)
    out = []
    for order in orders:
        event = event_for(order)
        out.append(
            (event["recipient_key"].encode(), json.dumps(event, ensure_ascii=False).encode())
        )
    return out


async def create_topics(bootstrap: str, names: list[str], partitions: int) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, client_id="bench-relay")
    await admin.start()
    try:
        await admin.create_topics([NewTopic(n, partitions, 1) for n in names])
    finally:
        await admin.close()


async def start_stages(
    bootstrap: str, dsn: str, schema: str, topics: list[str]
) -> list[asyncio.subprocess.Process]:
    procs = []
    for stage in range(1, STAGES + 1):
        procs.append(
            await asyncio.create_subprocess_exec(
                sys.executable,
                str(STAGE_SCRIPT),
                *("--bootstrap", bootstrap, "--dsn", dsn, "--schema", schema),
                *("--stage", str(stage), "--inp", topics[stage - 1], "--out", topics[stage]),
                stdout=asyncio.subprocess.PIPE,
            )
        )
    for p in procs:  # each says "ready" once it has its partitions
        assert p.stdout is not None
        line = await asyncio.wait_for(p.stdout.readline(), 60)
        if line.strip() != b"ready":
            raise RuntimeError(f"relay stage exited ({p.returncode}) before it was ready")
    return procs


async def sink(
    bootstrap: str, topic: str, count: int, timeout: float, ready: asyncio.Event
) -> float:
    """Waits until `count` distinct events came out of the last stage; returns when. `ready`
    is set once it has its partitions (a group join takes seconds: not part of the figure)."""
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        group_id=f"{topic}-sink",
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        fetch_max_wait_ms=10,
    )
    await consumer.start()
    seen: set[bytes] = set()
    deadline = time.monotonic() + timeout
    try:
        while len(seen) < count:
            if time.monotonic() > deadline:
                raise TimeoutError(f"relay: {len(seen)} of {count} events out after {timeout}s")
            batch = await consumer.getmany(timeout_ms=50, max_records=5000)
            if consumer.assignment():
                ready.set()
            for records in batch.values():
                for r in records:
                    seen.add(json.loads(r.value or b"{}")["order"]["marketplace_order_id"].encode())
        return time.monotonic()
    finally:
        await consumer.stop()


async def run_relay(
    bootstrap: str, dsn: str, events: int, partitions: int = 8, timeout: float = 900
) -> dict[str, Any]:
    """Runs the six-stage relay once; returns its figures."""
    tag = uuid.uuid4().hex[:8]
    schema = f"bench_relay_{tag}"
    topics = [f"bench-relay-{tag}.s{i}" for i in range(STAGES + 1)]
    await create_topics(bootstrap, topics, partitions)
    conn = await asyncpg.connect(dsn)
    try:
        for stage in range(1, STAGES + 1):
            await conn.execute(relay_stage.schema_sql(schema, stage))
    finally:
        await conn.close()
    data = payloads(events)
    size = sum(len(v) for _, v in data) / max(len(data), 1)
    procs = await start_stages(bootstrap, dsn, schema, topics)
    producer = AIOKafkaProducer(
        bootstrap_servers=bootstrap,
        enable_idempotence=False,
        linger_ms=5,
        max_batch_size=512 * 1024,
        max_request_size=8 * 1024 * 1024,
    )
    await producer.start()
    try:
        ready = asyncio.Event()
        done = asyncio.create_task(sink(bootstrap, topics[-1], events, timeout, ready))
        await asyncio.wait_for(ready.wait(), 60)
        started = time.monotonic()
        for i in range(0, len(data), 1000):
            sends = [await producer.send(topics[0], v, key=k) for k, v in data[i : i + 1000]]
            await asyncio.gather(*sends)
        fed = time.monotonic()
        finished = await done
        # the last relay marks its rows sent just after the broker acknowledged them
        for _ in range(100):
            if set((await rows_sent(dsn, schema)).values()) == {events}:
                break
            await asyncio.sleep(0.1)
    finally:
        await producer.stop()
        for p in procs:
            if p.returncode is None:
                p.terminate()
        for p in procs:
            await p.wait()
    seconds = finished - started
    return {
        "events": events,
        "stages": STAGES,
        "partitions": partitions,
        "event_bytes": round(size),
        "feed_seconds": round(fed - started, 3),
        "seconds": round(seconds, 3),
        "events_per_s": round(events / seconds, 1),
        "schema": schema,
    }


async def rows_sent(dsn: str, schema: str) -> dict[int, int]:
    """Outbox rows marked sent per stage (for checks)."""
    conn = await asyncpg.connect(dsn, server_settings={"search_path": schema})
    try:
        out = {}
        for stage in range(1, STAGES + 1):
            t = relay_stage.tables(stage)["outbox"]
            out[stage] = int(
                await conn.fetchval(f"SELECT count(*) FROM {t} WHERE sent_at IS NOT NULL")
            )
        return out
    finally:
        await conn.close()
