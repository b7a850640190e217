"""Redrive (재처리): a dead letter sent back through the handler that refused it, once its
cause is fixed, in one transaction with the state it changes; every attempt is audited."""

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Literal

import asyncpg
from pydantic import BaseModel, ValidationError

from packline_contracts import parse_event
from packline_runtime import dead_letters, decisions
from packline_runtime.consumer import TRANSIENT_ERRORS, BatchConsumer
from packline_runtime.db import Conn
from packline_runtime.dead_letters import DeadLetter, Status, StoredLetter
from packline_runtime.unit_of_work import UnitOfWork

Outcome = Literal[
    "REDRIVEN", "STILL_FAILING", "ALREADY_PROCESSED", "NOT_OPEN", "NOT_REDRIVABLE", "NOT_FOUND"
]
ACTION = "dead_letter.redrive"


class RedriveResult(BaseModel):
    id: int
    outcome: Outcome
    message: str
    letter: StoredLetter | None = None


class LetterNotFound(LookupError):
    pass


class NotRedrivable(ValueError):
    """The letter can never run through a handler (unparseable, or a type nobody here takes)."""


@dataclass(frozen=True)
class Redriver:
    pool: Callable[[], asyncpg.Pool]
    consumers: Callable[[], Mapping[str, BatchConsumer]]

    async def redrive(self, letter_id: int, seller_id: str, by: str, reason: str) -> RedriveResult:
        """Raises LetterNotFound (also for another seller's letter) or NotRedrivable; transient
        database trouble propagates."""
        async with self.pool().acquire() as conn, conn.transaction():
            found = await dead_letters.lock(conn, letter_id, seller_id)
            if found is None:
                raise LetterNotFound(f"no dead letter {letter_id}")
            letter, payload = found
            if letter.status != "OPEN":
                return RedriveResult(
                    id=letter_id,
                    outcome="NOT_OPEN",
                    message=f"dead letter {letter_id} is {letter.status} "
                    f"(by {letter.redriven_by} at {letter.redriven_at}); nothing to do",
                    letter=letter,
                )
            try:
                event = parse_event(payload)
            except ValidationError as exc:
                raise NotRedrivable(
                    f"dead letter {letter_id} holds a malformed event; it cannot be redriven"
                ) from exc
            consumer = self.consumers().get(letter.consumer)
            if consumer is None or not consumer.accepts(event):
                raise NotRedrivable(
                    f"{event.event_type} is not taken by {letter.consumer} here; "
                    "it cannot be redriven"
                )
            status: Status
            error: str | None = None
            try:
                async with conn.transaction():  # a savepoint: a failing handler leaves no trace
                    ran = await consumer.redrive_in(conn, event)
            except TRANSIENT_ERRORS:
                raise
            except Exception as exc:
                status, error, outcome = "OPEN", f"{type(exc).__name__}: {exc}", "STILL_FAILING"
            else:
                status = "REDRIVEN" if ran else "ALREADY_PROCESSED"
                outcome = status
            stored = await dead_letters.note_attempt(conn, letter_id, status, error, by)
            await decisions.record(
                conn,
                letter.seller_id,
                ACTION,
                {
                    "dead_letter_id": letter_id,
                    "consumer": letter.consumer,
                    "event_id": letter.event_id,
                    "event_type": letter.event_type,
                    "order_uids": letter.order_uids,
                    "outcome": outcome,
                    "attempts": stored.attempts,
                },
                by,
                reason,
            )
            await _announce(conn, stored, event.correlation_id, consumer.service)
            return RedriveResult(
                id=letter_id, outcome=outcome, message=_MESSAGES[outcome], letter=stored
            )


_MESSAGES: dict[str, str] = {
    "REDRIVEN": "the handler ran and its changes are committed",
    "STILL_FAILING": "the handler failed again; the letter stays open with the new error",
    "ALREADY_PROCESSED": "its event was processed meanwhile; nothing was run again",
}


async def _announce(
    conn: Conn, stored: StoredLetter, correlation_id: uuid.UUID, service: str
) -> None:
    """The letter's new state on the dead-letter topic, so order views close or update it."""
    letter = DeadLetter(
        consumer=stored.consumer,
        topic=stored.topic,
        partition=stored.kafka_partition,
        offset=stored.kafka_offset,
        payload=b"",
        error=stored.error,
        event_id=stored.event_id,
        event_type=stored.event_type,
        seller_id=stored.seller_id,
        correlation_id=correlation_id,
        order_uids=tuple(stored.order_uids),
    )
    uow = UnitOfWork(conn)
    uow.emit(
        dead_letters.announcement(
            letter, stored.id, service, status=stored.status, attempts=stored.attempts
        )
    )
    await uow.flush()
