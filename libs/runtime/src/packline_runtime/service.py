"""What every service process shares: pool, migrations, relay, subscribers and health endpoints.

A service's `bootstrap.py` builds one `ServiceRuntime`, registers its subscription and HTTP
routes on it, and hands `app` to uvicorn. Nothing connects until the app's lifespan starts.
Its repeating jobs are `background.repeating`; the broker's incarnation (recovery from a broker
that came back empty, reachability) is `incarnation.Incarnation`.
"""

import asyncio
import contextlib
import functools
import json
import logging
import operator
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import Any

import asyncpg
from fastapi import APIRouter, Depends, FastAPI
from faststream import AckPolicy
from faststream.kafka import KafkaMessage
from faststream.specification import AsyncAPI
from pydantic import SkipValidation

from packline_contracts import DeadLettered, Event, topic_of
from packline_runtime import (
    auth,
    background,
    dead_letters_http,
    gauges,
    metrics,
    operations_http,
    problems,
    retention,
)
from packline_runtime.body_limits import BodyLimits
from packline_runtime.consumer import BatchConsumer, Subscription
from packline_runtime.db import create_pool
from packline_runtime.gauges import OldestQuery, OldestWaiting
from packline_runtime.incarnation import Incarnation
from packline_runtime.kafka import make_broker, make_producer
from packline_runtime.migrations import migrate
from packline_runtime.outbox_relay import OutboxRelay
from packline_runtime.settings import Settings
from packline_runtime.telemetry import flush_telemetry, setup_telemetry
from packline_runtime.unit_of_work import UnitOfWork, unit_of_work

log = logging.getLogger(__name__)

Hook = Callable[["ServiceRuntime"], AbstractAsyncContextManager[None]]


class ServiceRuntime:
    def __init__(self, service: str, settings: Settings, migrations: Path) -> None:
        self.service = service
        self.settings = settings
        self.migrations = migrations
        self.broker = make_broker(settings, service)
        self._pool: asyncpg.Pool | None = None
        self._relay: OutboxRelay | None = None
        self._background: list[Hook] = []
        self.subscriptions: list[Subscription] = []
        self._kafka_subscribers: list[Any] = []
        self.consumers: dict[str, BatchConsumer] = {}  # by consumer group, for redrives
        self._incarnation = Incarnation(
            service, settings, self._kafka_subscribers, lambda: self._relay
        )
        self.watch = self._incarnation.watch
        self._retention = retention.Retention.from_settings(settings)
        self._oldest = OldestWaiting(service)
        self.every(5.0, "metrics-sampler", self._sample_gauges)
        self.every(settings.broker_check_seconds, "broker-watch", self._incarnation.watch_broker)
        self.every(60.0, "prune", self._prune)

    @property
    def pool(self) -> asyncpg.Pool:
        if self._pool is None:
            raise RuntimeError(f"{self.service}: database pool used before startup")
        return self._pool

    def unit_of_work(self) -> AbstractAsyncContextManager[UnitOfWork]:
        return unit_of_work(self.pool)

    def subscribe(self, subscription: Subscription) -> None:
        """Register a batch subscriber with an explicit ack policy: commit after the DB commit,
        seek back (redeliver) on transient failure."""
        consumer = BatchConsumer(lambda: self.pool, self.service, subscription)
        self.consumers[consumer.group] = consumer
        payload: Any = functools.reduce(operator.or_, subscription.accepts)

        async def handle_batch(body: Any, message: KafkaMessage) -> None:
            await consumer.process(message.raw_message)
            # the offsets about to be committed must belong to the broker they came from
            await self._incarnation.confirm()

        # documents the payload in AsyncAPI; validation is ours, per message, inside process()
        handle_batch.__annotations__["body"] = list[SkipValidation[payload]]
        handle_batch.__name__ = f"{self.service}_consume"
        s = self.settings
        kafka_subscriber = self.broker.subscriber(
            *[topic.value for topic in subscription.topics],
            group_id=subscription.group,
            batch=True,
            max_records=s.batch_max_records,
            batch_timeout_ms=s.batch_timeout_ms,
            fetch_max_wait_ms=50,
            auto_offset_reset="earliest",
            session_timeout_ms=s.kafka_session_timeout_ms,
            heartbeat_interval_ms=max(500, s.kafka_session_timeout_ms // 5),
            ack_policy=AckPolicy.NACK_ON_ERROR,
            title=f"{self.service}:consume",
            description=subscription.description,
        )
        kafka_subscriber(handle_batch)
        self._kafka_subscribers.append(kafka_subscriber)
        self.subscriptions.append(subscription)
        emitted: tuple[type[Event], ...] = (*subscription.publishes, DeadLettered)
        for model in emitted:
            self.document_publisher(model)

    async def _prune(self) -> int:
        async with self.pool.acquire() as conn:
            return await retention.prune(conn, self._retention)

    async def _sample_gauges(self) -> int:
        """Database reachability, outbox backlog and consumer lag, for the gauges in `metrics`."""
        return await gauges.sample_backlog_and_lag(
            self.service, self.pool, self._relay, self._kafka_subscribers
        )

    def oldest_waiting(self, query: OldestQuery) -> None:
        """Register what the oldest-unprocessed-age gauge samples: per queue of this stage, when
        its oldest waiting item arrived, across sellers (e.g. `flow.oldest_of(views.flow)`)."""
        if not self._oldest.queries:
            self.every(
                self.settings.oldest_sample_seconds,
                "oldest-sampler",
                lambda: self._oldest.sample(self.pool),
            )
        self._oldest.register(query)

    def document_publisher(self, model: type[Event]) -> None:
        """Declare (for AsyncAPI) an event this service emits. Only the outbox relay sends it."""
        self.broker.publisher(
            topic_of(model).value,
            title=f"{self.service}:{model.__name__}",
            description=f"{model.__doc__ or model.__name__} Written to the outbox, sent by the relay.",
            schema=model,
        )

    def asyncapi(self) -> str:
        """The AsyncAPI 3.0 document of this service's consumers and the events it emits."""
        spec = AsyncAPI(
            self.broker,
            title=f"Packline {self.service}",
            version="1",
            description=f"Events consumed and emitted by the Packline {self.service} service.",
        )
        document = json.loads(spec.to_specification().to_json())
        return json.dumps(document, indent=2, ensure_ascii=False, sort_keys=True) + "\n"

    def every(self, seconds: float, name: str, job: Callable[[], Awaitable[int]]) -> None:
        """Run `job` repeatedly while the service is up: again at once while it reports work
        done, otherwise after `seconds`. Failures are logged and retried, never fatal."""
        self._background.append(background.repeating(self.service, seconds, name, job))

    def in_background(self, hook: Hook) -> None:
        """A context manager entered after startup and left before shutdown (e.g. a sealer loop)."""
        self._background.append(hook)

    @contextlib.asynccontextmanager
    async def lifespan(self, _app: FastAPI) -> AsyncIterator[None]:
        s = self.settings
        setup_telemetry(self.service, otlp_endpoint=s.otlp_endpoint, log_level=s.log_level)
        metrics.start_counters(self.service)
        self._pool = await create_pool(
            s.database_url, self.service, min_size=s.db_pool_min, max_size=s.db_pool_max
        )
        async with self._pool.acquire() as conn:
            applied = await migrate(conn, self.service, self.migrations)
        if applied:
            log.info("%s: applied migrations %s", self.service, ", ".join(applied))
        producer = make_producer(s, self.service)
        await producer.start()
        self._relay = OutboxRelay(
            self._pool,
            producer,
            schema=self.service,
            batch_size=s.outbox_batch_size,
            poll_seconds=s.outbox_poll_seconds,
        )
        relay_task = asyncio.create_task(self._relay.run(), name=f"{self.service}-relay")
        async with contextlib.AsyncExitStack() as stack:
            for hook in self._background:
                await stack.enter_async_context(hook(self))
            await self.broker.start()
            log.info("%s: consuming; HTTP on %s:%d", self.service, s.http_host, s.http_port)
            try:
                yield
            finally:
                await self.broker.stop()
        await self._relay.stop()
        relay_task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await relay_task
        await producer.stop()
        self._incarnation.close()
        await self._pool.close()
        self._pool = None
        await asyncio.to_thread(flush_telemetry)  # blocking HTTP; the loop still runs

    async def broker_check(self) -> str:
        """ok, unreachable, or recovering (back as a new incarnation, not yet refilled)."""
        return await self._incarnation.check()

    async def outbox_backlog(self, seller_id: str | None) -> int:
        assert self._relay is not None
        return await self._relay.backlog(seller_id)

    def create_app(self, title: str, *routers: APIRouter) -> FastAPI:
        """Every route answers errors as problem details (documented on each operation) and
        has its request body bounded in size and time. Every route but health and metrics
        needs a verified token (auth.authorize): a route added later cannot be left open."""
        s = self.settings
        app = FastAPI(title=title, lifespan=self.lifespan)
        app.state.packline = self
        app.state.verifier = auth.Verifier(s.token_public_key)
        app.include_router(operations_http.health_router(self), responses=problems.RESPONSES)
        for router in (
            operations_http.operations_router(self),
            dead_letters_http.router(lambda: self.pool, lambda: self.consumers),
            *routers,
        ):
            app.include_router(
                router,
                responses={**problems.RESPONSES, **problems.AUTH_RESPONSES},
                dependencies=[Depends(auth.authorize)],
            )
        problems.install(app)
        app.add_middleware(
            BodyLimits,
            json_bytes=s.http_max_json_bytes,
            upload_bytes=s.http_max_upload_bytes,
            timeout_seconds=s.http_body_timeout_seconds,
        )
        return app


def serve(app: FastAPI, settings: Settings) -> None:
    """Run one service process (the `python -m packline_<stage>` entry point)."""
    import uvicorn

    uvicorn.run(
        app,
        host=settings.http_host,
        port=settings.http_port,
        log_level="warning",
        access_log=False,
        lifespan="on",
        timeout_graceful_shutdown=10,
    )
