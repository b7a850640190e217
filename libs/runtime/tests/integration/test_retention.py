"""Pruning of outbox, inbox and dead letters, and a broker incarnation refilled from what is left."""

import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from pydantic import ValidationError

from packline_contracts import OrderCancelled, OrderRef, Topic
from packline_runtime import retention
from packline_runtime.outbox_relay import OutboxRelay
from packline_runtime.settings import Settings
from packline_runtime.unit_of_work import unit_of_work

NO_SERVICE_MIGRATIONS = Path(__file__).parent / "sql_empty"
RETAIN = retention.Retention(
    outbox=timedelta(hours=48), inbox=timedelta(hours=72), dead_letters=timedelta(hours=24)
)


def cancel(n: int, key: str) -> OrderCancelled:
    return OrderCancelled(
        seller_id="s1",
        correlation_id=uuid.uuid4(),
        order=OrderRef(
            seller_id="s1", marketplace="NAVER", marketplace_order_id=f"2026113000{n:06d}"
        ),
        recipient_key=key,
    )


async def keys_on_topic(bootstrap: str, key: bytes, expect: int) -> list[uuid.UUID]:
    consumer = AIOKafkaConsumer(
        Topic.ORDER_CANCELLED.value,
        bootstrap_servers=bootstrap,
        group_id=f"test-{uuid.uuid4().hex}",
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    await consumer.start()
    found: list[uuid.UUID] = []
    try:
        idle = 0
        while idle < 6 and len(found) <= expect:
            batch = await consumer.getmany(timeout_ms=500)
            idle = 0 if batch else idle + 1
            for part in batch.values():
                found += [
                    OrderCancelled.model_validate_json(r.value).event_id
                    for r in part
                    if r.key == key
                ]
    finally:
        await consumer.stop()
    return found


async def test_pruning_removes_only_what_retention_allows(new_schema: Any) -> None:
    pool = await new_schema(NO_SERVICE_MIGRATIONS)
    async with unit_of_work(pool) as uow:
        for n in range(4):
            uow.emit(cancel(n, "recipient-key-0001"))
    ids = [r["id"] for r in await pool.fetch("SELECT id FROM outbox ORDER BY id")]
    # old+published, recent+published, old+unpublished (never sent: must stay), recent+unpublished
    await pool.execute(
        "UPDATE outbox SET published_at = now() - interval '49 hours' WHERE id = $1", ids[0]
    )
    await pool.execute("UPDATE outbox SET published_at = now() WHERE id = $1", ids[1])
    await pool.execute(
        "UPDATE outbox SET created_at = now() - interval '90 days' WHERE id = $1", ids[2]
    )
    await pool.execute(
        """
        INSERT INTO inbox (consumer, event_id, received_at) VALUES
            ('g', gen_random_uuid(), now() - interval '73 hours'),
            ('g', gen_random_uuid(), now() - interval '71 hours')
        """
    )
    await pool.execute(
        """
        INSERT INTO dead_letters
            (consumer, topic, kafka_partition, kafka_offset, error, payload, failed_at, status,
             redriven_at)
        VALUES
            ('g', 't', 0, 1, 'old, resolved', '\\x01', now() - interval '60 days', 'REDRIVEN',
             now() - interval '25 hours'),
            ('g', 't', 0, 2, 'old, still needs a person', '\\x02', now() - interval '60 days',
             'OPEN', now() - interval '25 hours'),
            ('g', 't', 0, 3, 'resolved just now', '\\x03', now() - interval '60 days',
             'ALREADY_PROCESSED', now())
        """
    )
    async with pool.acquire() as conn:
        assert await retention.prune(conn, RETAIN) == 3
        assert await retention.prune(conn, RETAIN) == 0

    assert [r["id"] for r in await pool.fetch("SELECT id FROM outbox ORDER BY id")] == ids[1:]
    assert await pool.fetchval("SELECT count(*) FROM inbox") == 1
    assert (
        await pool.fetchval(
            "SELECT count(*) FROM inbox WHERE received_at > now() - interval '72 hours'"
        )
        == 1
    )
    assert sorted(r["error"] for r in await pool.fetch("SELECT error FROM dead_letters")) == [
        "old, still needs a person",
        "resolved just now",
    ]


async def test_pruning_works_in_bounded_batches(new_schema: Any) -> None:
    pool = await new_schema(NO_SERVICE_MIGRATIONS)
    await pool.execute(
        """
        INSERT INTO inbox (consumer, event_id, received_at)
        SELECT 'g', gen_random_uuid(), now() - interval '100 hours' FROM generate_series(1, 25)
        """
    )
    small = retention.Retention(
        outbox=RETAIN.outbox, inbox=RETAIN.inbox, dead_letters=RETAIN.dead_letters, batch=10
    )
    async with pool.acquire() as conn:
        assert [await retention.prune(conn, small) for _ in range(4)] == [10, 10, 5, 0]


async def test_a_new_broker_incarnation_resends_exactly_the_retained_rows_in_order(
    new_schema: Any, kafka_bootstrap: str
) -> None:
    pool = await new_schema(NO_SERVICE_MIGRATIONS)
    schema = await pool.fetchval("SELECT current_schema()")
    key = f"key-{schema}"
    events = [cancel(n, key) for n in range(6)]
    async with unit_of_work(pool) as uow:
        for e in events:
            uow.emit(e)
    producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap)
    await producer.start()
    try:
        relay = OutboxRelay(pool, producer, schema=schema)
        assert await relay.note_incarnation("first") == 0  # the first broker met: nothing lost
        assert await relay.publish_batch() == 6
        assert await relay.note_incarnation("first") == 0  # the same broker: nothing to do
        # two rows expire and are pruned; the broker then comes back empty
        await pool.execute(
            "UPDATE outbox SET published_at = now() - interval '49 hours' WHERE event_id = ANY($1)",
            [e.event_id for e in events[:2]],
        )
        async with pool.acquire() as conn:
            assert await retention.prune(conn, RETAIN) == 2
        assert await relay.note_incarnation("second") == 4
        assert await relay.note_incarnation("second") == 0  # another replica: already reset
        assert await relay.publish_batch() == 4
    finally:
        await producer.stop()
    sent = await keys_on_topic(kafka_bootstrap, key.encode(), 10)
    # six from the first send, then exactly the four retained ones again, in id order
    assert sent == [e.event_id for e in events] + [e.event_id for e in events[2:]]


def test_inbox_retention_must_outlast_outbox_retention_plus_a_margin() -> None:
    with pytest.raises(ValidationError, match="PACKLINE_INBOX_RETENTION_HOURS"):
        Settings(outbox_retention_hours=48, inbox_retention_hours=60)
    assert Settings(outbox_retention_hours=48, inbox_retention_hours=72).inbox_retention_hours == 72
