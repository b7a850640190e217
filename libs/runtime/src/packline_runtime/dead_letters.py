"""Dead letters: messages that can never succeed, kept with their error, never silently dropped."""

from dataclasses import dataclass

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


async def record(conn: Conn, letters: list[DeadLetter]) -> None:
    if not letters:
        return
    await conn.executemany(
        """
        INSERT INTO dead_letters
            (consumer, topic, kafka_partition, kafka_offset, event_id, event_type, error, payload)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
        ON CONFLICT DO NOTHING
        """,
        [
            (
                d.consumer,
                d.topic,
                d.partition,
                d.offset,
                d.event_id,
                d.event_type,
                d.error[:4000],
                d.payload,
            )
            for d in letters
        ],
    )


async def list_recent(conn: Conn, limit: int = 100) -> list[dict[str, object]]:
    rows = await conn.fetch(
        """
        SELECT id, consumer, topic, kafka_partition, kafka_offset, event_id, event_type, error,
               failed_at
        FROM dead_letters ORDER BY id DESC LIMIT $1
        """,
        limit,
    )
    return [dict(row) for row in rows]
