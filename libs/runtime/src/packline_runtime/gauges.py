"""Samples for the observable gauges in `metrics`, taken by `ServiceRuntime` in the background
(a database or broker query cannot run inside the exporter's synchronous callback): outbox
backlog and consumer lag every 5 s, and the oldest unprocessed age: per queue of a stage, when
the oldest item still waiting arrived, across sellers; and whether the database answers. A service registers the query that tells
it (its /flow adapter, through `flow.oldest_of`); it runs every `oldest_sample_seconds`."""

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from typing import Any

import asyncpg

from packline_runtime import metrics
from packline_runtime.db import Conn
from packline_runtime.outbox_relay import OutboxRelay

log = logging.getLogger(__name__)

OldestQuery = Callable[[Conn], Awaitable[dict[str, datetime | None]]]


async def sample_database(service: str, pool: asyncpg.Pool, timeout: float = 2.0) -> bool:
    """Can this process reach its database now? Noted for the `packline_dependency_up` gauge."""
    try:
        async with asyncio.timeout(timeout), pool.acquire() as conn:
            await conn.fetchval("SELECT 1")
    except asyncio.CancelledError:
        raise
    except Exception:
        metrics.note_dependency(service, "database", False)
        return False
    metrics.note_dependency(service, "database", True)
    return True


async def sample_backlog_and_lag(
    service: str, pool: asyncpg.Pool, relay: OutboxRelay | None, kafka_subscribers: Sequence[Any]
) -> int:
    """Database reachability, then (the backlog needs the database) backlog and lag."""
    if not await sample_database(service, pool):
        return 0
    if relay is not None:
        metrics.SAMPLES["backlog"][(("service", service),)] = await relay.backlog()
    lag: dict[str, float] = {}
    for kafka_subscriber in kafka_subscribers:
        consumer = getattr(kafka_subscriber, "consumer", None)
        if consumer is None:
            continue
        for tp in consumer.assignment():
            end = consumer.highwater(tp)
            if end is not None:
                lag[tp.topic] = lag.get(tp.topic, 0) + max(0, end - await consumer.position(tp))
    metrics.SAMPLES["lag"] = {
        (("service", service), ("topic", topic)): value for topic, value in lag.items()
    }
    return 0


class OldestWaiting:
    def __init__(self, service: str, timeout_seconds: float = 30.0) -> None:
        self.service = service
        self.queries: list[OldestQuery] = []
        self.timeout_seconds = timeout_seconds
        self._failing = False  # within a burst of failed samples: warned once already

    def register(self, query: OldestQuery) -> None:
        self.queries.append(query)

    async def sample(self, pool: asyncpg.Pool) -> int:
        """One sample of every registered query into `metrics.OLDEST`. A failed query keeps its
        queues' last sample (their age keeps growing) and never stops the sampler: it is logged
        once at warning until a sample succeeds again."""
        failed: list[str] = []
        for query in self.queries:
            try:
                async with asyncio.timeout(self.timeout_seconds), pool.acquire() as conn:
                    found = await query(conn)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # a database hiccup: try again at the next sample
                failed.append(f"{getattr(query, '__qualname__', query)}: {exc!r}")
                continue
            for queue, at in found.items():
                metrics.OLDEST[(("service", self.service), ("queue", queue))] = at
        if failed and not self._failing:
            log.warning(
                "%s: sampling the oldest waiting items failed (%s); the gauge keeps the last"
                " sample until one succeeds",
                self.service,
                "; ".join(failed)[:500],
            )
        elif not failed and self._failing:
            log.info("%s: sampling the oldest waiting items works again", self.service)
        self._failing = bool(failed)
        return 0
