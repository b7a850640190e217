"""Dead letters: messages that can never succeed, kept with their error and the orders they
concern, never silently dropped; a person may send one back through its handler (redrive)."""

import contextlib
import json
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ValidationError

from packline_contracts import DeadLettered, Event, OrderRef, new_event_id
from packline_runtime.db import Conn

Status = Literal["OPEN", "REDRIVEN", "ALREADY_PROCESSED"]


@dataclass(frozen=True)
class DeadLetter:
    consumer: str
    topic: str
    partition: int
    offset: int
    payload: bytes
    error: str
    event_id: str = ""
    event_type: str = ""
    seller_id: str = "unknown"  # UNKNOWN_SELLER: no seller could be read from the payload
    correlation_id: uuid.UUID | None = None
    order_uids: tuple[str, ...] = ()


class StoredLetter(BaseModel):
    """A dead letter as kept in the service's table (without its payload)."""

    id: int
    consumer: str
    topic: str
    kafka_partition: int
    kafka_offset: int
    event_id: str
    event_type: str
    seller_id: str
    order_uids: list[str]
    error: str
    status: Status
    attempts: int
    failed_at: datetime
    last_attempt_at: datetime
    redriven_by: str | None
    redriven_at: datetime | None


_COLUMNS = """id, consumer, topic, kafka_partition, kafka_offset, event_id, event_type, seller_id,
    order_uids, error, status, attempts, failed_at, last_attempt_at, redriven_by, redriven_at"""


def order_uids(event: Event) -> tuple[str, ...]:
    """Every order an event concerns: the OrderRefs anywhere in it (one on an order event, the
    members of a bundle or parcel), as uids the contracts compute."""
    found: dict[str, None] = {}

    def walk(value: object) -> None:
        if isinstance(value, OrderRef):
            found[value.uid] = None
        elif isinstance(value, BaseModel):
            for item in value.__dict__.values():
                walk(item)
        elif isinstance(value, tuple | list):
            for item in value:
                walk(item)

    walk(event)
    return tuple(found)


def order_uids_of_malformed(payload: bytes) -> tuple[str, ...]:
    """Best effort for a payload that does not parse as an event (a NUL in a recipient, say):
    the orders named by any valid `order` object inside it, so the letter still shows on them."""
    try:
        document = json.loads(payload)
    except ValueError:
        return ()
    found: dict[str, None] = {}

    def walk(value: object) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                if key == "order" and isinstance(item, dict):
                    with contextlib.suppress(ValidationError):
                        found[OrderRef.model_validate(item).uid] = None
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(document)
    return tuple(found)


UNKNOWN_SELLER = "unknown"  # a letter whose seller cannot be read: no seller role sees it


def seller_of_malformed(payload: bytes) -> str:
    """Best effort for a payload that does not parse as an event: the `seller_id` its envelope
    names, so the letter is still its seller's to see; UNKNOWN_SELLER when none can be read."""
    try:
        document = json.loads(payload)
    except ValueError:
        return UNKNOWN_SELLER
    seller = document.get("seller_id") if isinstance(document, dict) else None
    if isinstance(seller, str) and 0 < len(seller) <= 64 and seller.isprintable():
        return seller
    return UNKNOWN_SELLER


def printable(error: str) -> str:
    """An error text PostgreSQL and the contracts can carry (an exception may quote a NUL)."""
    return error.replace("\x00", "\\x00")[:4000] or "unknown error"


async def record(conn: Conn, letters: list[DeadLetter]) -> list[tuple[int, DeadLetter]]:
    """Keep the letters; returns those not kept before (a redelivered poison is kept once)."""
    fresh: list[tuple[int, DeadLetter]] = []
    for d in letters:
        inserted = await conn.fetchval(
            """
            INSERT INTO dead_letters (consumer, topic, kafka_partition, kafka_offset, event_id,
                                      event_type, error, payload, seller_id, order_uids)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
            ON CONFLICT DO NOTHING
            RETURNING id
            """,
            d.consumer,
            d.topic,
            d.partition,
            d.offset,
            d.event_id,
            d.event_type,
            printable(d.error),
            d.payload,
            d.seller_id,
            list(d.order_uids),
        )
        if inserted is not None:
            fresh.append((inserted, d))
    return fresh


def announcement(
    letter: DeadLetter,
    letter_id: int,
    service: str,
    status: Status = "OPEN",
    attempts: int = 1,
) -> DeadLettered:
    return DeadLettered(
        seller_id=letter.seller_id,
        correlation_id=letter.correlation_id or new_event_id(),
        consumer=letter.consumer,
        topic=letter.topic,
        kafka_partition=letter.partition,
        kafka_offset=letter.offset,
        failed_event_id=letter.event_id,
        failed_event_type=letter.event_type,
        error=printable(letter.error),
        dead_letter_id=letter_id,
        service=service,
        order_uids=letter.order_uids,
        status=status,
        attempts=attempts,
    )


async def page(
    conn: Conn, seller_id: str, status: Status | None, limit: int, before_id: int | None
) -> list[StoredLetter]:
    """The seller's letters, newest first; `before_id` continues after the last id of the
    previous page."""
    rows = await conn.fetch(
        f"""
        SELECT {_COLUMNS} FROM dead_letters
        WHERE seller_id = $4 AND ($1::text IS NULL OR status = $1)
          AND ($2::bigint IS NULL OR id < $2)
        ORDER BY id DESC LIMIT $3
        """,
        status,
        before_id,
        limit,
        seller_id,
    )
    return [StoredLetter.model_validate(dict(row)) for row in rows]


async def lock(conn: Conn, letter_id: int, seller_id: str) -> tuple[StoredLetter, bytes] | None:
    """The seller's letter and its payload, locked for a redrive (two people clicking wait in
    turn); None when there is no such letter of that seller."""
    row = await conn.fetchrow(
        f"""
        SELECT {_COLUMNS}, payload FROM dead_letters
        WHERE id = $1 AND seller_id = $2 FOR UPDATE
        """,
        letter_id,
        seller_id,
    )
    if row is None:
        return None
    fields = dict(row)
    payload: bytes = fields.pop("payload")
    return StoredLetter.model_validate(fields), payload


async def note_attempt(
    conn: Conn, letter_id: int, status: Status, error: str | None, by: str
) -> StoredLetter:
    """One more handler run: its outcome, and who sent the letter back when it succeeded."""
    row = await conn.fetchrow(
        f"""
        UPDATE dead_letters SET
            status = $2,
            error = coalesce($3, error),
            attempts = attempts + CASE WHEN $2 = 'ALREADY_PROCESSED' THEN 0 ELSE 1 END,
            last_attempt_at = now(),
            redriven_by = CASE WHEN $2 = 'OPEN' THEN redriven_by ELSE $4 END,
            redriven_at = CASE WHEN $2 = 'OPEN' THEN redriven_at ELSE now() END
        WHERE id = $1
        RETURNING {_COLUMNS}
        """,
        letter_id,
        status,
        None if error is None else printable(error),
        by,
    )
    if row is None:
        raise LookupError(f"dead letter {letter_id} vanished during its redrive")
    return StoredLetter.model_validate(dict(row))
