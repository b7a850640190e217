"""One transaction per use case: state changes plus the events they cause, written to the outbox."""

import json
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import asyncpg
from opentelemetry import propagate
from opentelemetry.context import Context

from packline_contracts import Event, partition_key, topic_for
from packline_runtime.db import Conn


class UnitOfWork:
    """Collects events during a transaction; `flush` writes them to the outbox in one statement."""

    def __init__(self, conn: Conn, trace_contexts: dict[uuid.UUID, Context] | None = None) -> None:
        self.conn = conn
        self._pending: list[tuple[Event, dict[str, str]]] = []
        # trace context of each consumed event, so what it causes joins the same trace
        self._trace_contexts = trace_contexts or {}

    def emit(self, event: Event) -> None:
        """Queue an event for the outbox; it is written when the transaction commits."""
        headers: dict[str, str] = {}
        cause = self._trace_contexts.get(event.causation_id) if event.causation_id else None
        propagate.inject(headers, context=cause)
        self._pending.append((event, headers))

    @property
    def emitted(self) -> list[Event]:
        return [event for event, _ in self._pending]

    async def flush(self) -> int:
        if not self._pending:
            return 0
        rows = self._pending
        self._pending = []
        await self.conn.execute(
            """
            INSERT INTO outbox (event_id, event_type, topic, partition_key, payload, headers)
            SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[],
                                 $5::bytea[], $6::jsonb[])
            """,
            [event.event_id for event, _ in rows],
            [event.event_type for event, _ in rows],
            [topic_for(event).value for event, _ in rows],
            [partition_key(event) for event, _ in rows],
            [event.model_dump_json().encode() for event, _ in rows],
            [json.dumps(headers) for _, headers in rows],
        )
        return len(rows)


@asynccontextmanager
async def unit_of_work(pool: asyncpg.Pool, **transaction: Any) -> AsyncIterator[UnitOfWork]:
    """Commit state and outbox rows together, or neither."""
    async with pool.acquire() as conn, conn.transaction(**transaction):
        uow = UnitOfWork(conn)
        yield uow
        await uow.flush()
