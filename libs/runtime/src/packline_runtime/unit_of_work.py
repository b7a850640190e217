"""One transaction per use case: state changes plus the events they cause, written to the outbox."""

import json
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import asyncpg
from opentelemetry import propagate, trace
from opentelemetry.context import Context

from packline_contracts import Event, partition_key, topic_for
from packline_runtime import inbox
from packline_runtime.db import Conn

_tracer = trace.get_tracer("packline.outbox")


class UnitOfWork:
    """Collects events during a transaction; `flush` writes them to the outbox in one statement."""

    def __init__(self, conn: Conn, trace_contexts: dict[uuid.UUID, Context] | None = None) -> None:
        self.conn = conn
        self._pending: list[Event] = []
        # trace context of each consumed event, so what it causes joins the same trace
        self._trace_contexts = dict(trace_contexts or {})

    def emit(self, event: Event) -> None:
        """Queue an event for the outbox; it is written when the transaction commits."""
        self._pending.append(event)

    @property
    def emitted(self) -> list[Event]:
        return list(self._pending)

    async def flush(self) -> int:
        if not self._pending:
            return 0
        events, self._pending = self._pending, []
        headers = await self._trace_headers(events)
        await self.conn.execute(
            """
            INSERT INTO outbox (event_id, event_type, topic, partition_key, payload, headers)
            SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[],
                                 $5::bytea[], $6::jsonb[])
            """,
            [event.event_id for event in events],
            [event.event_type for event in events],
            [topic_for(event).value for event in events],
            [partition_key(event) for event in events],
            [event.model_dump_json().encode() for event in events],
            [json.dumps(h) for h in headers],
        )
        return len(events)

    async def _trace_headers(self, events: list[Event]) -> list[dict[str, str]]:
        """Each event gets a span, child of the span that carried its cause (found in this
        batch, or in the inbox when the cause was consumed earlier: a seal, a wave, a scan),
        and that span's context travels in the Kafka headers. One trace follows an order."""
        missing = [
            e.causation_id
            for e in events
            if e.causation_id is not None and e.causation_id not in self._trace_contexts
        ]
        if missing:
            for event_id, parent in (await inbox.traceparents(self.conn, missing)).items():
                self._trace_contexts[event_id] = propagate.extract({"traceparent": parent})
        found: list[dict[str, str]] = []
        for event in events:
            headers: dict[str, str] = {}
            cause = self._trace_contexts.get(event.causation_id) if event.causation_id else None
            with _tracer.start_as_current_span(
                f"emit {event.event_type}",
                context=cause,
                kind=trace.SpanKind.PRODUCER,
                attributes={"packline.event_id": str(event.event_id)},
            ):
                propagate.inject(headers)
            found.append(headers)
        return found


@asynccontextmanager
async def unit_of_work(pool: asyncpg.Pool, **transaction: Any) -> AsyncIterator[UnitOfWork]:
    """Commit state and outbox rows together, or neither."""
    async with pool.acquire() as conn, conn.transaction(**transaction):
        uow = UnitOfWork(conn)
        yield uow
        await uow.flush()
