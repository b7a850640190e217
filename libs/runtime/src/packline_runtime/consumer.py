"""Batch consumption: parse, dedupe through the inbox, apply, write the outbox — one transaction.

A message that can never succeed (malformed, wrong type, a PermanentError from the domain)
goes to the dead-letter table, so it never blocks its partition. Transient trouble (database
or network) propagates, so the subscriber's NACK policy redelivers the whole batch.
"""

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import asyncpg
from opentelemetry import propagate, trace
from opentelemetry.context import Context
from pydantic import ValidationError

from packline_contracts import Event, Topic, parse_event
from packline_runtime import dead_letters, inbox, metrics
from packline_runtime.db import Conn
from packline_runtime.dead_letters import DeadLetter
from packline_runtime.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)
tracer = trace.get_tracer("packline.consumer")

TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (
    asyncpg.PostgresConnectionError,
    asyncpg.DeadlockDetectedError,
    asyncpg.SerializationError,
    asyncpg.InterfaceError,
    asyncpg.CannotConnectNowError,
    asyncpg.TooManyConnectionsError,
    asyncpg.OperatorInterventionError,  # the server shut down or crashed, or is starting up
    ConnectionError,
    TimeoutError,
    OSError,
)


class PermanentError(Exception):
    """This event can never be applied (illegal transition, unknown reference): dead-letter it."""


Handler = Callable[[UnitOfWork, Sequence[Event]], Awaitable[None]]


@dataclass(frozen=True)
class Subscription:
    """What one service consumes: topics, the event types it accepts, and the use case."""

    group: str
    topics: tuple[Topic, ...]
    accepts: tuple[type[Event], ...]
    handle: Handler
    description: str
    publishes: tuple[type[Event], ...] = ()


@dataclass
class _Parsed:
    event: Event
    record: Any
    context: Context = field(default_factory=Context)
    traceparent: str = ""


class BatchConsumer:
    def __init__(
        self, pool: Callable[[], asyncpg.Pool], service: str, subscription: Subscription
    ) -> None:
        self._pool = pool
        self._service = service
        self._sub = subscription

    @property
    def group(self) -> str:
        return str(self._sub.group)

    @property
    def service(self) -> str:
        return self._service

    def accepts(self, event: Event) -> bool:
        return isinstance(event, self._sub.accepts)

    async def redrive_in(self, conn: Conn, event: Event) -> bool:
        """Run a dead-lettered event through the handler again, in the caller's transaction:
        its dead-letter inbox mark is replaced by a real claim. False (nothing run) when the
        event was processed meanwhile."""
        if not await inbox.release_dead_lettered(conn, self._sub.group, event.event_id):
            return False
        return await self._apply_in(conn, [_Parsed(event, None)]) == 1

    async def process(self, records: Sequence[Any]) -> None:
        started = time.perf_counter()
        parsed, dead = self._parse(records)
        with tracer.start_as_current_span(
            f"{self._service} consume",
            links=[
                trace.Link(trace.get_current_span(p.context).get_span_context())
                for p in parsed[:64]
            ],
            attributes={"messaging.batch.message_count": len(records)},
            # an exception's text may quote the row it choked on (a recipient's address):
            # the span keeps only the exception's type
            record_exception=False,
            set_status_on_exception=False,
        ) as span:
            try:
                await self._apply_batch(parsed, dead)
            except Exception as exc:
                span.set_status(trace.StatusCode.ERROR, type(exc).__name__)
                raise
        metrics.HANDLER_SECONDS.record(time.perf_counter() - started, {"service": self._service})

    async def _apply_batch(self, parsed: list[_Parsed], dead: list[DeadLetter]) -> None:
        try:
            await self._apply(parsed, dead)
        except TRANSIENT_ERRORS:
            await asyncio.sleep(0.5)  # let the database or broker recover before redelivery
            raise
        except Exception as exc:
            log.warning(
                "%s: batch of %d failed (%s: %s); applying one by one",
                self._service,
                len(parsed),
                type(exc).__name__,
                exc,
            )
            await self._apply_one_by_one(parsed, dead)

    def _parse(self, records: Sequence[Any]) -> tuple[list[_Parsed], list[DeadLetter]]:
        parsed: list[_Parsed] = []
        dead: list[DeadLetter] = []
        for record in records:
            payload: bytes = record.value or b""
            try:
                event = parse_event(payload)
            except ValidationError as exc:
                dead.append(self._letter(record, f"malformed event: {_short(exc)}"))
                continue
            if not isinstance(event, self._sub.accepts):
                dead.append(
                    self._letter(
                        record, f"{event.event_type} is not accepted on {record.topic}", event
                    )
                )
                continue
            carrier = {k: v.decode(errors="replace") for k, v in (record.headers or ())}
            parsed.append(
                _Parsed(event, record, propagate.extract(carrier), carrier.get("traceparent", ""))
            )
        return parsed, dead

    async def _apply(self, parsed: list[_Parsed], dead: list[DeadLetter]) -> None:
        async with self._pool().acquire() as conn, conn.transaction():
            await self._apply_in(conn, parsed)
            await self._record_dead(conn, dead)

    async def _apply_in(self, conn: Conn, parsed: list[_Parsed]) -> int:
        fresh_ids = await inbox.claim_new(
            conn,
            self._sub.group,
            [p.event.event_id for p in parsed],
            [p.traceparent for p in parsed],
        )
        fresh: list[_Parsed] = []
        for item in parsed:  # a batch may hold the same event twice
            if item.event.event_id in fresh_ids:
                fresh_ids.discard(item.event.event_id)
                fresh.append(item)
        duplicates = len(parsed) - len(fresh)
        if duplicates:
            metrics.DUPLICATES.add(duplicates, {"service": self._service})
        if not fresh:
            return 0
        uow = UnitOfWork(conn, trace_contexts={p.event.event_id: p.context for p in fresh})
        await self._sub.handle(uow, [p.event for p in fresh])
        for item in fresh:
            metrics.EVENTS_IN.add(
                1, {"service": self._service, "event_type": item.event.event_type}
            )
        for event in uow.emitted:
            metrics.EVENTS_OUT.add(1, {"service": self._service, "event_type": event.event_type})
        await uow.flush()
        return len(fresh)

    async def _apply_one_by_one(self, parsed: list[_Parsed], dead: list[DeadLetter]) -> None:
        await self._record_dead_now(dead)
        for item in parsed:
            try:
                async with self._pool().acquire() as conn, conn.transaction():
                    await self._apply_in(conn, [item])
            except TRANSIENT_ERRORS:
                raise
            except Exception as exc:
                log.error(
                    "%s: dead-lettering %s %s: %s: %s",
                    self._service,
                    item.event.event_type,
                    item.event.event_id,
                    type(exc).__name__,
                    exc,
                )
                async with self._pool().acquire() as conn, conn.transaction():
                    await inbox.claim_dead_lettered(conn, self._sub.group, item.event.event_id)
                    await self._record_dead(
                        conn,
                        [self._letter(item.record, f"{type(exc).__name__}: {exc}", item.event)],
                    )

    async def _record_dead_now(self, dead: list[DeadLetter]) -> None:
        if dead:
            async with self._pool().acquire() as conn, conn.transaction():
                await self._record_dead(conn, dead)

    async def _record_dead(self, conn: Conn, dead: list[DeadLetter]) -> None:
        if not dead:
            return
        for letter in dead:
            log.error(
                "%s: dead letter from %s[%d]@%d: %s",
                self._service,
                letter.topic,
                letter.partition,
                letter.offset,
                letter.error,
            )
        fresh = await dead_letters.record(conn, dead)
        metrics.DEAD_LETTERS.add(len(fresh), {"service": self._service})
        # announced on the dead-letter topic for consoles and alerts, through the outbox; a
        # failed announcement is not announced again (no loop of letters about letters)
        uow = UnitOfWork(conn)
        for letter_id, letter in fresh:
            if letter.event_type != "DeadLettered":
                uow.emit(dead_letters.announcement(letter, letter_id, self._service))
        await uow.flush()

    def _letter(self, record: Any, error: str, event: Event | None = None) -> DeadLetter:
        return DeadLetter(
            consumer=self._sub.group,
            topic=record.topic,
            partition=record.partition,
            offset=record.offset,
            payload=record.value or b"",
            error=error,
            event_id=str(event.event_id) if event else "",
            event_type=event.event_type if event else "",
            seller_id=(
                event.seller_id if event else dead_letters.seller_of_malformed(record.value or b"")
            ),
            correlation_id=event.correlation_id if event else None,
            order_uids=(
                dead_letters.order_uids(event)
                if event
                else dead_letters.order_uids_of_malformed(record.value or b"")
            ),
        )


def _short(exc: ValidationError) -> str:
    """Validation errors name fields and problems, never the (possibly personal) input values."""
    parts = [
        f"{'.'.join(str(p) for p in e['loc']) or '(root)'}: {e['msg']}" for e in exc.errors()[:5]
    ]
    more = exc.error_count() - len(parts)
    return "; ".join(parts) + (f"; and {more} more" if more > 0 else "")
