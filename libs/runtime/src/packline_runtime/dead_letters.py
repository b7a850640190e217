"""Dead letters: messages that can never succeed, kept with their error, never silently dropped."""

import uuid
from dataclasses import dataclass

from packline_contracts import DeadLettered, new_event_id
from packline_runtime.db import Conn


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
    seller_id: str = "unknown"  # when the payload could not even be parsed
    correlation_id: uuid.UUID | None = None


async def record(conn: Conn, letters: list[DeadLetter]) -> list[DeadLetter]:
    """Keep the letters; returns those not kept before (a redelivered poison is kept once)."""
    fresh: list[DeadLetter] = []
    for d in letters:
        inserted = await conn.fetchval(
            """
            INSERT INTO dead_letters
                (consumer, topic, kafka_partition, kafka_offset, event_id, event_type, error, payload)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
            ON CONFLICT DO NOTHING
            RETURNING id
            """,
            d.consumer,
            d.topic,
            d.partition,
            d.offset,
            d.event_id,
            d.event_type,
            d.error[:4000],
            d.payload,
        )
        if inserted is not None:
            fresh.append(d)
    return fresh


def announcement(letter: DeadLetter) -> DeadLettered:
    return DeadLettered(
        seller_id=letter.seller_id,
        correlation_id=letter.correlation_id or new_event_id(),
        consumer=letter.consumer,
        topic=letter.topic,
        kafka_partition=letter.partition,
        kafka_offset=letter.offset,
        failed_event_id=letter.event_id,
        failed_event_type=letter.event_type,
        error=letter.error[:4000],
    )


async def list_recent(conn: Conn, limit: int = 100, offset: int = 0) -> list[dict[str, object]]:
    rows = await conn.fetch(
        """
        SELECT id, consumer, topic, kafka_partition, kafka_offset, event_id, event_type, error,
               failed_at
        FROM dead_letters ORDER BY id DESC LIMIT $1 OFFSET $2
        """,
        limit,
        offset,
    )
    return [dict(row) for row in rows]
