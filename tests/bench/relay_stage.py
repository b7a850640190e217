"""One stage of the reference relay, as its own process (`python relay_stage.py ...`).

It is what design.md § 2a measured: bare aiokafka and asyncpg, no framework. A batch is
consumed (getmany), handled in ONE transaction (inbox rows with ON CONFLICT DO NOTHING, a
set-based state write with unnest, outbox rows), committed, then the offsets are committed.
A relay in the same process claims outbox rows (FOR UPDATE SKIP LOCKED), publishes them to the
next topic with a large producer batch and a short linger, and marks them sent.
"""

import argparse
import asyncio
import json
import sys
import uuid
from datetime import UTC, datetime

import asyncpg
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

BATCH = 500
CLAIM = 1000


def tables(stage: int) -> dict[str, str]:
    return {k: f"{k}_{stage}" for k in ("inbox", "state", "outbox")}


def schema_sql(schema: str, stage: int) -> str:
    t = tables(stage)
    return f"""
    CREATE SCHEMA IF NOT EXISTS {schema};
    SET search_path TO {schema};
    CREATE TABLE IF NOT EXISTS {t["inbox"]} (
        event_id uuid PRIMARY KEY, received_at timestamptz NOT NULL DEFAULT now());
    CREATE TABLE IF NOT EXISTS {t["state"]} (
        order_id text PRIMARY KEY, status text NOT NULL, event_id uuid NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now());
    CREATE TABLE IF NOT EXISTS {t["outbox"]} (
        id bigserial PRIMARY KEY, event_id uuid NOT NULL, key text NOT NULL,
        payload bytea NOT NULL, sent_at timestamptz);
    CREATE INDEX IF NOT EXISTS {t["outbox"]}_unsent ON {t["outbox"]} (id) WHERE sent_at IS NULL;
    """


def next_event(raw: bytes, stage: int) -> tuple[uuid.UUID, str, dict[str, object]]:
    """The event this stage emits for one it consumed: new id, caused by the old one."""
    event = json.loads(raw)
    cause = event["event_id"]
    event["causation_id"] = cause
    event["event_id"] = str(uuid.uuid4())
    event["event_type"] = f"Stage{stage}Done"
    event["occurred_at"] = datetime.now(UTC).isoformat()
    return uuid.UUID(cause), str(event["order"]["marketplace_order_id"]), event


async def handle(pool: asyncpg.Pool, stage: int, raws: list[bytes]) -> int:
    t = tables(stage)
    parsed = [next_event(raw, stage) for raw in raws]
    async with pool.acquire() as conn, conn.transaction():
        fresh = {
            r["event_id"]
            for r in await conn.fetch(
                f"INSERT INTO {t['inbox']} (event_id) SELECT unnest($1::uuid[]) "
                "ON CONFLICT DO NOTHING RETURNING event_id",
                [cause for cause, _, _ in parsed],
            )
        }
        todo = {order: (cause, ev) for cause, order, ev in parsed if cause in fresh}
        if not todo:
            return 0
        orders = list(todo)
        await conn.execute(
            f"INSERT INTO {t['state']} (order_id, status, event_id) "
            "SELECT o, $2, e FROM unnest($1::text[], $3::uuid[]) AS u(o, e) "
            "ON CONFLICT (order_id) DO UPDATE SET status = EXCLUDED.status, "
            "event_id = EXCLUDED.event_id, updated_at = now()",
            orders,
            f"STAGE_{stage}",
            [todo[o][0] for o in orders],
        )
        await conn.execute(
            f"INSERT INTO {t['outbox']} (event_id, key, payload) "
            "SELECT * FROM unnest($1::uuid[], $2::text[], $3::bytea[])",
            [uuid.UUID(str(todo[o][1]["event_id"])) for o in orders],
            [str(todo[o][1]["recipient_key"]) for o in orders],
            [json.dumps(todo[o][1], ensure_ascii=False).encode() for o in orders],
        )
    return len(todo)


async def relay(
    pool: asyncpg.Pool, producer: AIOKafkaProducer, stage: int, out: str, wake: asyncio.Event
) -> None:
    t = tables(stage)
    while True:
        try:
            await asyncio.wait_for(wake.wait(), 0.05)  # a polling backstop as well
        except TimeoutError:
            pass
        wake.clear()
        while True:
            async with pool.acquire() as conn, conn.transaction():
                rows = await conn.fetch(
                    f"SELECT id, key, payload FROM {t['outbox']} WHERE sent_at IS NULL "
                    f"ORDER BY id LIMIT {CLAIM} FOR UPDATE SKIP LOCKED"
                )
                if not rows:
                    break
                sends = [
                    await producer.send(out, r["payload"], key=r["key"].encode()) for r in rows
                ]
                await asyncio.gather(*sends)
                await conn.execute(
                    f"UPDATE {t['outbox']} SET sent_at = now() WHERE id = ANY($1::bigint[])",
                    [r["id"] for r in rows],
                )
            if len(rows) < CLAIM:
                break


async def run(bootstrap: str, dsn: str, schema: str, stage: int, inp: str, out: str) -> None:
    pool = await asyncpg.create_pool(
        dsn, min_size=2, max_size=3, server_settings={"search_path": schema}
    )
    consumer = AIOKafkaConsumer(
        inp,
        bootstrap_servers=bootstrap,
        group_id=f"{schema}-stage-{stage}",
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        fetch_max_wait_ms=10,
        max_partition_fetch_bytes=4 * 1024 * 1024,
    )
    producer = AIOKafkaProducer(
        bootstrap_servers=bootstrap,
        enable_idempotence=False,  # Tansu has no idempotent producer
        acks=1,
        linger_ms=5,
        max_batch_size=512 * 1024,
        max_request_size=8 * 1024 * 1024,
    )
    await consumer.start()
    await producer.start()
    wake = asyncio.Event()
    relaying = asyncio.create_task(relay(pool, producer, stage, out, wake))
    announced = False
    try:
        while True:
            batch = await consumer.getmany(timeout_ms=10, max_records=BATCH)
            if not announced and consumer.assignment():
                print("ready", flush=True)
                announced = True
            raws = [r.value for records in batch.values() for r in records if r.value]
            if raws:
                await handle(pool, stage, raws)
                await consumer.commit()
                wake.set()
            if relaying.done():
                relaying.result()  # raises what killed the relay
    finally:
        relaying.cancel()
        await consumer.stop()
        await producer.stop()
        await pool.close()


def main() -> int:
    parser = argparse.ArgumentParser()
    for name in ("bootstrap", "dsn", "schema", "inp", "out"):
        parser.add_argument(f"--{name}", required=True)
    parser.add_argument("--stage", type=int, required=True)
    a = parser.parse_args()
    asyncio.run(run(a.bootstrap, a.dsn, a.schema, a.stage, a.inp, a.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
