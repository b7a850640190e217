"""Inbox, outbox, relay and migrations against the real embedded PostgreSQL and broker."""

import asyncio
import uuid
from pathlib import Path
from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from packline_contracts import OrderCancelled, OrderRef, Topic
from packline_runtime import inbox
from packline_runtime.migrations import RUNTIME_MIGRATIONS, load, migrate
from packline_runtime.outbox_relay import OutboxRelay
from packline_runtime.unit_of_work import unit_of_work

NO_SERVICE_MIGRATIONS = Path(__file__).parent / "sql_empty"


def cancel(n: int, key: str = "recipient-key-0001") -> OrderCancelled:
    return OrderCancelled(
        seller_id="s1",
        correlation_id=uuid.uuid4(),
        order=OrderRef(
            seller_id="s1", marketplace="NAVER", marketplace_order_id=f"2026112800{n:06d}"
        ),
        recipient_key=key,
    )


async def read_topic(
    bootstrap: str, topic: str, key: bytes, expect: int, timeout: float = 30
) -> list[Any]:
    """Records with `key`, once `expect` of them arrived (or the timeout passed)."""
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        group_id=f"test-{uuid.uuid4().hex}",
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    await consumer.start()
    records: list[Any] = []
    try:
        deadline = asyncio.get_running_loop().time() + timeout
        while len(records) < expect and asyncio.get_running_loop().time() < deadline:
            batch = await consumer.getmany(timeout_ms=500)
            for part in batch.values():
                records.extend(r for r in part if r.key == key)
    finally:
        await consumer.stop()
    return records


async def test_migrations_apply_once_even_when_replicas_race(new_schema: Any) -> None:
    pool = await new_schema(NO_SERVICE_MIGRATIONS)
    schema = await pool.fetchval("SELECT current_schema()")

    async def again() -> list[str]:
        async with pool.acquire() as conn:
            return await migrate(conn, schema, NO_SERVICE_MIGRATIONS)

    assert await asyncio.gather(again(), again()) == [[], []]
    expected = len(load(RUNTIME_MIGRATIONS))
    assert expected >= 2
    assert await pool.fetchval("SELECT count(*) FROM schema_migrations") == expected


async def test_inbox_accepts_each_event_id_once_per_consumer(new_schema: Any) -> None:
    pool = await new_schema(NO_SERVICE_MIGRATIONS)
    a, b = uuid.uuid4(), uuid.uuid4()
    async with pool.acquire() as conn:
        assert await inbox.claim_new(conn, "matcher", [a, b]) == {a, b}
        assert await inbox.claim_new(conn, "matcher", [a, b]) == set()
        assert await inbox.claim_new(conn, "bundler", [a]) == {a}


async def test_outbox_rows_roll_back_with_the_state_change(new_schema: Any) -> None:
    pool = await new_schema(NO_SERVICE_MIGRATIONS)
    with pytest.raises(RuntimeError):
        async with unit_of_work(pool) as uow:
            uow.emit(cancel(1))
            await uow.flush()
            raise RuntimeError("the use case failed after writing")
    assert await pool.fetchval("SELECT count(*) FROM outbox") == 0


async def test_relay_publishes_every_row_in_order_with_its_key(
    new_schema: Any, kafka_bootstrap: str
) -> None:
    pool = await new_schema(NO_SERVICE_MIGRATIONS)
    schema = await pool.fetchval("SELECT current_schema()")
    events = [cancel(n, key=f"key-{schema}-same") for n in range(120)]
    async with unit_of_work(pool) as uow:
        for e in events:
            uow.emit(e)
    producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap)
    await producer.start()
    try:
        relay = OutboxRelay(pool, producer, schema=schema, batch_size=50)
        assert [await relay.publish_batch() for _ in range(4)] == [50, 50, 20, 0]
    finally:
        await producer.stop()
    assert await pool.fetchval("SELECT count(*) FROM outbox WHERE published_at IS NULL") == 0
    ours = await read_topic(
        kafka_bootstrap, Topic.ORDER_CANCELLED, f"key-{schema}-same".encode(), 120
    )
    # one key, one partition: the order the handlers wrote them is the order they arrive
    assert [OrderCancelled.model_validate_json(r.value).event_id for r in ours] == [
        e.event_id for e in events
    ]


class CrashAfterSend:
    """A producer whose broker acknowledges, after which the relay 'crashes' before marking."""

    def __init__(self, inner: AIOKafkaProducer) -> None:
        self.inner = inner
        self.crash = True

    async def send(self, *args: Any, **kwargs: Any) -> Any:
        future = await self.inner.send(*args, **kwargs)
        if not self.crash:
            return future

        async def delivered_then_crash() -> None:
            await future
            raise ConnectionError("relay died after the broker acknowledged")

        return asyncio.ensure_future(delivered_then_crash())


async def test_relay_resends_rows_whose_publication_was_not_recorded(
    new_schema: Any, kafka_bootstrap: str
) -> None:
    pool = await new_schema(NO_SERVICE_MIGRATIONS)
    schema = await pool.fetchval("SELECT current_schema()")
    events = [cancel(n, key=f"key-{schema}-crash") for n in range(10)]
    async with unit_of_work(pool) as uow:
        for e in events:
            uow.emit(e)
    inner = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap)
    await inner.start()
    try:
        flaky = CrashAfterSend(inner)
        relay = OutboxRelay(pool, flaky, schema=schema)  # type: ignore[arg-type]
        with pytest.raises(ConnectionError):
            await relay.publish_batch()
        assert await pool.fetchval("SELECT count(*) FROM outbox WHERE published_at IS NULL") == 10
        flaky.crash = False
        assert await relay.publish_batch() == 10
    finally:
        await inner.stop()
    ours = await read_topic(
        kafka_bootstrap, Topic.ORDER_CANCELLED, f"key-{schema}-crash".encode(), 20
    )
    ids = [OrderCancelled.model_validate_json(r.value).event_id for r in ours]
    assert len(ids) == 20, "each row sent twice: at least once, duplicates carry the same id"
    assert set(ids) == {e.event_id for e in events}


async def test_relay_wakes_on_notify_without_waiting_for_the_poll(
    new_schema: Any, kafka_bootstrap: str
) -> None:
    pool = await new_schema(NO_SERVICE_MIGRATIONS)
    schema = await pool.fetchval("SELECT current_schema()")
    producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap)
    await producer.start()
    relay = OutboxRelay(pool, producer, schema=schema, poll_seconds=3600)
    task = asyncio.create_task(relay.run())
    try:
        await asyncio.sleep(0.5)  # the relay found nothing and now sleeps for an hour
        async with unit_of_work(pool) as uow:
            uow.emit(cancel(1, key=f"key-{schema}-notify"))
        for _ in range(100):
            if await pool.fetchval("SELECT count(*) FROM outbox WHERE published_at IS NULL") == 0:
                break
            await asyncio.sleep(0.1)
        assert await pool.fetchval("SELECT count(*) FROM outbox WHERE published_at IS NULL") == 0
    finally:
        await relay.stop()
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await producer.stop()


async def test_a_sellers_backlog_counts_only_the_events_that_name_that_seller(
    new_schema: Any,
) -> None:
    pool = await new_schema(NO_SERVICE_MIGRATIONS)
    other = cancel(9).model_copy(
        update={
            "seller_id": "s2",
            "order": OrderRef(seller_id="s2", marketplace="NAVER", marketplace_order_id="B-1"),
        }
    )
    async with unit_of_work(pool) as uow:
        uow.emit(cancel(1))
        uow.emit(cancel(2))
        uow.emit(other)
    relay = OutboxRelay(pool, None, schema="unused")  # type: ignore[arg-type]
    assert await relay.backlog() == 3
    assert await relay.backlog("s1") == 2
    assert await relay.backlog("s2") == 1
    assert await relay.backlog("s3") == 0
