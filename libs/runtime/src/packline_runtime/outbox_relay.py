"""The only publisher: sends committed outbox rows to Kafka in order, in batches.

Claims with FOR UPDATE SKIP LOCKED (replicas never send the same rows at once), marks them
published in the same transaction after the broker acknowledged them, so a crash in between
re-sends (consumers dedupe by event_id). Woken by LISTEN/NOTIFY; polls as a backstop.
When the broker comes back empty (a new incarnation), every retained row is sent again, in id
order: published rows are kept for the outbox retention for exactly this.
"""

import asyncio
import json
import logging
from typing import Any

import asyncpg
from aiokafka import AIOKafkaProducer
from asyncpg.pool import PoolConnectionProxy

from packline_runtime import metrics

log = logging.getLogger(__name__)


class OutboxRelay:
    def __init__(
        self,
        pool: asyncpg.Pool,
        producer: AIOKafkaProducer,
        *,
        schema: str,
        batch_size: int = 500,
        poll_seconds: float = 1.0,
    ) -> None:
        self._pool = pool
        self._producer = producer
        self._schema = schema
        self._batch_size = batch_size
        self._poll_seconds = poll_seconds
        self._wake = asyncio.Event()
        self._stopping = asyncio.Event()
        self._listener: PoolConnectionProxy | None = None

    @property
    def channel(self) -> str:
        return f"{self._schema}_outbox"

    def _on_notify(self, *_: Any) -> None:
        self._wake.set()

    async def run(self) -> None:
        """Publish until stopped; broker or database trouble is retried with backoff."""
        backoff = 0.2
        while not self._stopping.is_set():
            try:
                await self._ensure_listener()
                sent = await self.publish_batch()
                backoff = 0.2
                if sent < self._batch_size:
                    await self._sleep(self._poll_seconds)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("outbox relay %s: %s; retrying in %.1fs", self._schema, exc, backoff)
                await self._drop_listener()
                await self._sleep(backoff)
                backoff = min(backoff * 2, 5.0)

    async def stop(self) -> None:
        self._stopping.set()
        self._wake.set()
        await self._drop_listener()

    async def publish_batch(self) -> int:
        """Send one claimed batch; returns how many rows were published."""
        async with self._pool.acquire() as conn, conn.transaction():
            rows = await conn.fetch(
                """
                SELECT id, topic, partition_key, payload, headers
                FROM outbox
                WHERE published_at IS NULL
                ORDER BY id
                LIMIT $1
                FOR UPDATE SKIP LOCKED
                """,
                self._batch_size,
            )
            if not rows:
                return 0
            deliveries = []
            for row in rows:
                headers = [(k, v.encode()) for k, v in json.loads(row["headers"]).items()]
                deliveries.append(
                    await self._producer.send(
                        row["topic"],
                        value=row["payload"],
                        key=row["partition_key"].encode(),
                        headers=headers,
                    )
                )
            await asyncio.gather(*deliveries)
            await conn.execute(
                "UPDATE outbox SET published_at = now() WHERE id = ANY($1::bigint[])",
                [row["id"] for row in rows],
            )
        metrics.OUTBOX_PUBLISHED.add(len(rows), {"service": self._schema})
        return len(rows)

    async def note_incarnation(self, cluster_id: str) -> int:
        """Record the broker incarnation this outbox publishes to. If it differs from the one
        recorded, the broker lost what it had: mark every retained row unpublished (sent again,
        in id order). Replicas race here; the row lock lets exactly one of them reset.
        Returns how many rows will be sent again."""
        async with self._pool.acquire() as conn, conn.transaction():
            known = await conn.fetchval("SELECT cluster_id FROM broker_incarnation FOR UPDATE")
            if known == cluster_id:
                return 0
            if known is None:  # first broker this schema meets: nothing was lost
                await conn.execute(
                    "INSERT INTO broker_incarnation (cluster_id) VALUES ($1)"
                    " ON CONFLICT (singleton) DO NOTHING",
                    cluster_id,
                )
                return 0
            status = await conn.execute(
                "UPDATE outbox SET published_at = NULL WHERE published_at IS NOT NULL"
            )
            await conn.execute(
                "UPDATE broker_incarnation SET cluster_id = $1, seen_at = now()", cluster_id
            )
        resent = int(status.rsplit(" ", 1)[-1])
        log.warning(
            "outbox relay %s: broker %s is a new incarnation (was %s); re-sending %d row(s)",
            self._schema,
            cluster_id,
            known,
            resent,
        )
        self._wake.set()
        return resent

    async def backlog(self, seller_id: str | None = None) -> int:
        """Rows not yet published: all of them, or those of events naming `seller_id`."""
        async with self._pool.acquire() as conn:
            value = await conn.fetchval(
                """
                SELECT count(*) FROM outbox WHERE published_at IS NULL
                AND ($1::text IS NULL OR convert_from(payload, 'UTF8')::jsonb ->> 'seller_id' = $1)
                """,
                seller_id,
            )
        return int(value)

    async def _sleep(self, seconds: float) -> None:
        try:
            await asyncio.wait_for(self._wake.wait(), timeout=seconds)
        except TimeoutError:
            pass
        self._wake.clear()

    async def _ensure_listener(self) -> None:
        if self._listener is not None and not self._listener.is_closed():
            return
        listener = await self._pool.acquire()
        self._listener = listener
        await listener.add_listener(self.channel, self._on_notify)

    async def _drop_listener(self) -> None:
        conn, self._listener = self._listener, None
        if conn is None:
            return
        try:
            await conn.remove_listener(self.channel, self._on_notify)
        except Exception:  # the connection may be broken already
            pass
        try:
            await self._pool.release(conn)
        except Exception:
            pass
