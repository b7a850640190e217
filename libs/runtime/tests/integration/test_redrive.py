"""Redrive: a dead letter sent back through its handler once the cause is fixed."""

import json
from collections.abc import Sequence
from typing import Any

import asyncpg
import httpx
from fastapi import FastAPI

from packline_contracts import ConsumerGroup, Event, OrderCancelled, Topic
from packline_launcher.testing_tokens import TestTokens
from packline_runtime.auth import Verifier
from packline_runtime.consumer import BatchConsumer, PermanentError, Subscription
from packline_runtime.dead_letters_http import router
from packline_runtime.settings import Settings
from packline_runtime.tokens import Role
from packline_runtime.unit_of_work import UnitOfWork

from .test_batch_consumer import records
from .test_outbox_inbox import NO_SERVICE_MIGRATIONS, cancel


class FixableHandler:
    """Refuses every event until `fixed`, as a handler with a bug does until its fix ships."""

    def __init__(self) -> None:
        self.fixed = False
        self.runs = 0

    async def __call__(self, uow: UnitOfWork, events: Sequence[Event]) -> None:
        self.runs += 1
        if not self.fixed:
            raise PermanentError("cannot read this recipient yet")
        await uow.conn.execute("CREATE TABLE IF NOT EXISTS applied (event_id uuid PRIMARY KEY)")
        for e in events:
            await uow.conn.execute("INSERT INTO applied VALUES ($1)", e.event_id)
            assert isinstance(e, OrderCancelled)
            uow.emit(
                OrderCancelled(
                    **e.follow_up(), order=e.order, recipient_key=e.recipient_key, reason="next"
                )
            )


def _consumer(pool: asyncpg.Pool, handler: FixableHandler) -> BatchConsumer:
    sub = Subscription(
        group=ConsumerGroup.MATCHER,
        topics=(Topic.ORDER_CANCELLED,),
        accepts=(OrderCancelled,),
        handle=handler,
        description="test",
    )
    return BatchConsumer(lambda: pool, "matcher", sub)


def _client(
    tokens: TestTokens,
    pool: asyncpg.Pool,
    consumer: BatchConsumer,
    seller_id: str = "s1",
    sub: str = "ops@s1",
    role: Role = Role.OPERATOR,
) -> httpx.AsyncClient:
    """The dead-letter routes as a person of `seller_id` calls them (the session's test key)."""
    app = FastAPI()
    app.state.verifier = Verifier(Settings().token_public_key)
    app.include_router(router(lambda: pool, lambda: {consumer.group: consumer}))
    headers = tokens.headers(seller_id, role, sub)
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://t", headers=headers
    )


async def test_a_dead_letter_redriven_after_the_fix_runs_its_handler_and_is_audited(
    new_schema: Any,
    service_tokens: TestTokens,
) -> None:
    pool = await new_schema(NO_SERVICE_MIGRATIONS)
    handler = FixableHandler()
    consumer = _consumer(pool, handler)
    event = cancel(1)
    await consumer.process(records([event.model_dump_json().encode()]))
    letter = await pool.fetchrow("SELECT id, status, order_uids FROM dead_letters")
    assert (letter["status"], letter["order_uids"]) == ("OPEN", [event.order.uid])
    announced = json.loads(
        await pool.fetchval("SELECT payload FROM outbox WHERE event_type = 'DeadLettered'")
    )
    assert announced["order_uids"] == [event.order.uid]
    assert announced["dead_letter_id"] == letter["id"]

    async with _client(service_tokens, pool, consumer) as client:
        # still broken: the letter stays open with the new error and one more attempt
        answer = await client.post(
            f"/dead-letters/{letter['id']}/redrive", json={"by": "ops@s1", "reason": "try"}
        )
        assert answer.status_code == 200, answer.text
        assert answer.json()["outcome"] == "STILL_FAILING"
        row = await pool.fetchrow("SELECT status, attempts FROM dead_letters")
        assert (row["status"], row["attempts"]) == ("OPEN", 2)

        handler.fixed = True
        answer = await client.post(
            f"/dead-letters/{letter['id']}/redrive", json={"by": "ops@s1", "reason": "fixed"}
        )
        assert answer.status_code == 200, answer.text
        assert answer.json()["outcome"] == "REDRIVEN"
        assert await pool.fetchval("SELECT event_id FROM applied") == event.event_id
        assert (
            await pool.fetchval("SELECT count(*) FROM outbox WHERE event_type = 'OrderCancelled'")
            == 1
        )
        row = await pool.fetchrow("SELECT status, redriven_by, redriven_at FROM dead_letters")
        assert (row["status"], row["redriven_by"]) == ("REDRIVEN", "ops@s1")
        assert row["redriven_at"] is not None

        # once more: a no-op answered clearly, the handler does not run again
        runs = handler.runs
        answer = await client.post(f"/dead-letters/{letter['id']}/redrive", json={"by": "ops@s1"})
        assert answer.status_code == 200
        assert answer.json()["outcome"] == "NOT_OPEN"
        assert handler.runs == runs

        listed = await client.get("/dead-letters", params={"status": "REDRIVEN", "limit": 10})
        assert [item["id"] for item in listed.json()["items"]] == [letter["id"]]
        assert (await client.get("/dead-letters", params={"status": "OPEN"})).json()["items"] == []
        assert (await client.get("/dead-letters", params={"limit": 100000})).status_code == 422

    decisions = await pool.fetch(
        "SELECT action, subject, decided_by FROM decisions ORDER BY decision_id"
    )
    outcomes = [json.loads(d["subject"])["outcome"] for d in decisions]
    assert outcomes == ["STILL_FAILING", "REDRIVEN"]
    assert {d["action"] for d in decisions} == {"dead_letter.redrive"}


async def test_a_malformed_letter_cannot_be_redriven(
    new_schema: Any, service_tokens: TestTokens
) -> None:
    pool = await new_schema(NO_SERVICE_MIGRATIONS)
    consumer = _consumer(pool, FixableHandler())
    # malformed, yet its envelope names its seller, so that seller's people see it
    malformed = cancel(7).model_dump_json().replace('"reason":""', '"reason":"a\\u0000b"')
    await consumer.process(records([malformed.encode()]))
    letter_id = await pool.fetchval("SELECT id FROM dead_letters")
    async with _client(service_tokens, pool, consumer) as client:
        answer = await client.post(f"/dead-letters/{letter_id}/redrive", json={"by": "ops"})
        assert answer.status_code == 409
        assert "malformed" in answer.text
        assert (
            await client.post("/dead-letters/999999/redrive", json={"by": "ops"})
        ).status_code == 404
        bulk = await client.post(
            "/dead-letters/redrive", json={"ids": [letter_id, 999999], "by": "ops"}
        )
        assert [r["outcome"] for r in bulk.json()["results"]] == ["NOT_REDRIVABLE", "NOT_FOUND"]
    assert await pool.fetchval("SELECT status FROM dead_letters") == "OPEN"


async def test_a_letter_whose_event_was_processed_meanwhile_is_a_no_op(
    new_schema: Any, service_tokens: TestTokens
) -> None:
    pool = await new_schema(NO_SERVICE_MIGRATIONS)
    handler = FixableHandler()
    consumer = _consumer(pool, handler)
    event = cancel(2)
    payload = event.model_dump_json().encode()
    await consumer.process(records([payload]))
    # the same event dead-lettered again from another offset (a broker that lost its log)
    await pool.execute(
        """INSERT INTO dead_letters (consumer, topic, kafka_partition, kafka_offset, event_id,
           event_type, error, payload, seller_id)
           SELECT consumer, topic, kafka_partition, 99, event_id, event_type, error, payload,
                  seller_id FROM dead_letters"""
    )
    first, second = [r["id"] for r in await pool.fetch("SELECT id FROM dead_letters ORDER BY id")]
    handler.fixed = True
    async with _client(service_tokens, pool, consumer) as client:
        assert (await client.post(f"/dead-letters/{first}/redrive", json={"by": "ops"})).json()[
            "outcome"
        ] == "REDRIVEN"
        runs = handler.runs
        again = await client.post(f"/dead-letters/{second}/redrive", json={"by": "ops"})
        assert again.json()["outcome"] == "ALREADY_PROCESSED", again.text
        assert handler.runs == runs
    assert await pool.fetchval("SELECT count(*) FROM applied") == 1


async def test_a_malformed_letter_still_names_the_order_it_carries(new_schema: Any) -> None:
    pool = await new_schema(NO_SERVICE_MIGRATIONS)
    event = cancel(3)
    payload = event.model_dump_json().replace('"reason":""', '"reason":"a\\u0000b"').encode()
    await _consumer(pool, FixableHandler()).process(records([payload]))
    letter = await pool.fetchrow("SELECT error, order_uids FROM dead_letters")
    assert "malformed event" in letter["error"] and "NUL" in letter["error"]
    assert letter["order_uids"] == [event.order.uid]


async def test_another_sellers_letters_are_not_listed_and_cannot_be_redriven(
    new_schema: Any,
    service_tokens: TestTokens,
) -> None:
    pool = await new_schema(NO_SERVICE_MIGRATIONS)
    handler = FixableHandler()
    consumer = _consumer(pool, handler)
    await consumer.process(records([cancel(4).model_dump_json().encode()]))
    letter_id = await pool.fetchval("SELECT id FROM dead_letters")
    handler.fixed = True
    runs = handler.runs
    async with _client(service_tokens, pool, consumer, seller_id="s2", sub="ops@s2") as other:
        assert (await other.get("/dead-letters")).json()["items"] == []
        answer = await other.post(f"/dead-letters/{letter_id}/redrive", json={})
        assert answer.status_code == 404, answer.text
        bulk = await other.post("/dead-letters/redrive", json={"ids": [letter_id]})
        assert [r["outcome"] for r in bulk.json()["results"]] == ["NOT_FOUND"]
    assert handler.runs == runs
    assert await pool.fetchval("SELECT status FROM dead_letters") == "OPEN"
    async with _client(service_tokens, pool, consumer) as own:
        assert [i["id"] for i in (await own.get("/dead-letters")).json()["items"]] == [letter_id]


async def test_the_redrive_records_the_signed_in_person_not_the_one_the_body_names(
    new_schema: Any,
    service_tokens: TestTokens,
) -> None:
    pool = await new_schema(NO_SERVICE_MIGRATIONS)
    handler = FixableHandler()
    consumer = _consumer(pool, handler)
    await consumer.process(records([cancel(5).model_dump_json().encode()]))
    letter_id = await pool.fetchval("SELECT id FROM dead_letters")
    handler.fixed = True
    async with _client(service_tokens, pool, consumer, sub="kim@s1") as client:
        answer = await client.post(f"/dead-letters/{letter_id}/redrive", json={"by": "lee@s1"})
        assert answer.json()["outcome"] == "REDRIVEN", answer.text
    assert await pool.fetchval("SELECT redriven_by FROM dead_letters") == "kim@s1"
    assert await pool.fetchval("SELECT decided_by FROM decisions") == "kim@s1"


async def test_a_malformed_letter_belongs_to_the_seller_its_envelope_names(
    new_schema: Any,
    service_tokens: TestTokens,
) -> None:
    pool = await new_schema(NO_SERVICE_MIGRATIONS)
    event = cancel(6)
    named = event.model_dump_json().replace('"reason":""', '"reason":"a\\u0000b"').encode()
    await _consumer(pool, FixableHandler()).process(records([named, b"not json at all"]))
    sellers = await pool.fetch("SELECT seller_id FROM dead_letters ORDER BY id")
    assert [r["seller_id"] for r in sellers] == ["s1", "unknown"]
    async with _client(service_tokens, pool, _consumer(pool, FixableHandler())) as client:
        listed = (await client.get("/dead-letters")).json()["items"]
        assert [i["seller_id"] for i in listed] == ["s1"]


async def test_letters_kept_before_sellers_were_read_from_malformed_payloads_get_theirs(
    new_schema: Any,
) -> None:
    pool, upgrade = await new_schema.before(
        NO_SERVICE_MIGRATIONS, "007_dead_letters_by_seller.sql", prefix="dlup"
    )
    named = cancel(8).model_dump_json().replace('"reason":""', '"reason":"a\\u0000b"')
    for offset, payload in enumerate(
        [named.encode(), b"not json at all", b"\xff\xfe", b"[1, 2]", b'{"seller_id": 7}']
    ):
        await pool.execute(
            """INSERT INTO dead_letters (consumer, topic, kafka_partition, kafka_offset, error,
               payload) VALUES ('matcher', 't', 0, $1, 'malformed', $2)""",
            offset,
            payload,
        )
    await upgrade()
    sellers = await pool.fetch("SELECT seller_id FROM dead_letters ORDER BY kafka_offset")
    assert [r["seller_id"] for r in sellers] == ["s1", "unknown", "unknown", "unknown", "unknown"]
