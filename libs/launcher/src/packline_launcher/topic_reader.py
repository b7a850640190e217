"""Read a Packline topic from the beginning with an ordinary Kafka consumer (no group commit)."""

import sys
import uuid

from aiokafka import AIOKafkaConsumer

from packline_contracts import Topic


def resolve(name: str) -> str:
    """`shipped`, `SHIPPED` or `packline.shipped.v1` all name the same topic."""
    for topic in Topic:
        if name in (
            topic.value,
            topic.name,
            topic.name.lower(),
            topic.name.lower().replace("_", "-"),
        ):
            return topic.value
    raise SystemExit(f"unknown topic {name!r}; one of: {', '.join(t.name.lower() for t in Topic)}")


async def print_topic(bootstrap: str, name: str, idle_seconds: float) -> int:
    consumer = AIOKafkaConsumer(
        resolve(name),
        bootstrap_servers=bootstrap,
        group_id=f"packline-read-{uuid.uuid4().hex[:8]}",
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    await consumer.start()
    count = 0
    try:
        while True:
            batch = await consumer.getmany(timeout_ms=int(idle_seconds * 1000))
            if not batch:
                break
            for records in batch.values():
                for record in records:
                    sys.stdout.write((record.value or b"").decode(errors="replace") + "\n")
                    count += 1
    finally:
        await consumer.stop()
    sys.stderr.write(f"{count} event(s)\n")
    return 0
