"""The batch consumer: dedupe, dead letters for poison, isolation of a failing event."""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import asyncpg
import pytest

from packline_contracts import ConsumerGroup, Event, OrderCancelled, OrderCollected, Topic
from packline_launcher.testing import collected
from packline_runtime.consumer import BatchConsumer, PermanentError, Subscription
from packline_runtime.unit_of_work import UnitOfWork

from .test_outbox_inbox import NO_SERVICE_MIGRATIONS, cancel


@dataclass
class Record:
    """The fields of an aiokafka ConsumerRecord the consumer reads."""

    value: bytes
    offset: int
    topic: str = Topic.ORDER_CANCELLED.value
    partition: int = 0
    headers: tuple[tuple[str, bytes], ...] = ()


def records(payloads: Sequence[bytes]) -> list[Record]:
    return [Record(p, offset) for offset, p in enumerate(payloads)]


class Recorder:
    def __init__(self, fail_on: set[uuid.UUID] | None = None, transient: bool = False) -> None:
        self.seen: list[uuid.UUID] = []
        self.fail_on = fail_on or set()
        self.transient = transient

    async def __call__(self, uow: UnitOfWork, events: Sequence[Event]) -> None:
        for e in events:
            if e.event_id in self.fail_on:
                if self.transient:
                    raise asyncpg.DeadlockDetectedError("deadlock detected")
                raise PermanentError(f"illegal transition for {e.event_id}")
        self.seen.extend(e.event_id for e in events)
        await uow.conn.execute("CREATE TABLE IF NOT EXISTS applied (event_id uuid PRIMARY KEY);")
        await uow.conn.executemany(
            "INSERT INTO applied VALUES ($1)", [(e.event_id,) for e in events]
        )


def consumer(pool: asyncpg.Pool, handler: Recorder) -> BatchConsumer:
    sub = Subscription(
        group=ConsumerGroup.MATCHER,
        topics=(Topic.ORDER_CANCELLED,),
        accepts=(OrderCancelled,),
        handle=handler,
        description="test",
    )
    return BatchConsumer(lambda: pool, "test", sub)


async def test_redelivered_events_are_applied_once(new_schema: Any) -> None:
    pool = await new_schema(NO_SERVICE_MIGRATIONS)
    handler = Recorder()
    events = [cancel(n) for n in range(5)]
    payloads = [e.model_dump_json().encode() for e in events]
    await consumer(pool, handler).process(records(payloads + payloads[:2]))
    await consumer(pool, handler).process(records(payloads))
    assert handler.seen == [e.event_id for e in events]


async def test_poison_messages_go_to_dead_letters_and_the_rest_is_applied(new_schema: Any) -> None:
    pool = await new_schema(NO_SERVICE_MIGRATIONS)
    handler = Recorder()
    good = cancel(1)
    wrong_type = b'{"event_type": "OrderCollected"}'
    await consumer(pool, handler).process(
        records([b"not json at all", good.model_dump_json().encode(), wrong_type])
    )
    assert handler.seen == [good.event_id]
    letters = await pool.fetch("SELECT kafka_offset, error FROM dead_letters ORDER BY kafka_offset")
    assert [r["kafka_offset"] for r in letters] == [0, 2]
    assert "malformed event" in letters[0]["error"]
    # each is announced on the dead-letter topic through the outbox
    announced = await pool.fetch(
        "SELECT topic, payload FROM outbox WHERE event_type = 'DeadLettered'"
    )
    assert [r["topic"] for r in announced] == [Topic.DEAD_LETTER.value] * 2
    # redelivery of the same poison does not duplicate the dead letter nor its announcement
    await consumer(pool, handler).process(records([b"not json at all"]))
    assert await pool.fetchval("SELECT count(*) FROM dead_letters") == 2
    assert await pool.fetchval("SELECT count(*) FROM outbox WHERE event_type = 'DeadLettered'") == 2


async def test_an_event_of_a_type_the_service_does_not_take_is_dead_lettered(
    new_schema: Any,
) -> None:
    pool = await new_schema(NO_SERVICE_MIGRATIONS)
    handler = Recorder()
    other = cancel(2)
    sub = Subscription(
        group=ConsumerGroup.MATCHER,
        topics=(Topic.ORDER_COLLECTED,),
        accepts=(OrderCollected,),
        handle=handler,
        description="test",
    )
    await BatchConsumer(lambda: pool, "test", sub).process(
        records([other.model_dump_json().encode()])
    )
    assert handler.seen == []
    # the same subscription takes the type it accepts: the refusal was about the type
    order = collected(1)
    await BatchConsumer(lambda: pool, "test", sub).process(
        records([order.model_dump_json().encode()])
    )
    assert handler.seen == [order.event_id]
    error = await pool.fetchval("SELECT error FROM dead_letters")
    assert "OrderCancelled is not accepted" in error


async def test_one_failing_event_is_isolated_and_dead_lettered(new_schema: Any) -> None:
    pool = await new_schema(NO_SERVICE_MIGRATIONS)
    events = [cancel(n) for n in range(4)]
    handler = Recorder(fail_on={events[2].event_id})
    await consumer(pool, handler).process(records([e.model_dump_json().encode() for e in events]))
    applied = {r["event_id"] for r in await pool.fetch("SELECT event_id FROM applied")}
    assert applied == {events[0].event_id, events[1].event_id, events[3].event_id}
    letter = await pool.fetchrow("SELECT event_id, error FROM dead_letters")
    assert letter["event_id"] == str(events[2].event_id)
    assert "PermanentError" in letter["error"]


async def test_transient_failures_propagate_so_the_batch_is_redelivered(new_schema: Any) -> None:
    pool = await new_schema(NO_SERVICE_MIGRATIONS)
    events = [cancel(n) for n in range(3)]
    handler = Recorder(fail_on={events[1].event_id}, transient=True)
    with pytest.raises(asyncpg.DeadlockDetectedError):
        await consumer(pool, handler).process(
            records([e.model_dump_json().encode() for e in events])
        )
    assert await pool.fetchval("SELECT count(*) FROM inbox") == 0
    assert await pool.fetchval("SELECT count(*) FROM dead_letters") == 0
