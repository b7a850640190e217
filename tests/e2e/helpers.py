"""What the end-to-end tests do to a running stack: HTTP calls, topic reads, waiting."""

import asyncio
import json
import time
import uuid
from collections.abc import Callable
from typing import Any

import httpx
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from packline_launcher.calls import signed
from packline_launcher.stack import Stack


class Api:
    """Calls as an owner of `seller` (or of the seller a call names, see calls.signed); `stats`
    reads across sellers with the platform's sre token."""

    def __init__(self, stack: Stack, seller: str | None = None) -> None:
        self.stack = stack
        self.seller = seller
        self.http = httpx.Client(timeout=60.0)

    def call(
        self,
        method: str,
        service: str,
        path: str,
        replica: int = 0,
        seller: str | None = None,
        **kw: Any,
    ) -> Any:
        response = self.raw(method, service, path, replica, seller, **kw)
        assert response.status_code < 400, f"{method} {service}{path}: {response.text[:800]}"
        return response.json()

    def raw(
        self,
        method: str,
        service: str,
        path: str,
        replica: int = 0,
        seller: str | None = None,
        **kw: Any,
    ) -> httpx.Response:
        """The signed call's response as it came (a test asserting a 4xx reads it)."""
        url = self.stack.urls(service)[replica % len(self.stack.urls(service))] + path
        kw = signed(self.stack, path, kw, seller, default=self.seller)
        return self.http.request(method, url, **kw)

    def stats(self, service: str) -> dict[str, Any]:
        return dict(self.call("GET", service, "/stats"))


def wait_until(what: str, check: Callable[[], bool], timeout: float, every: float = 0.5) -> None:
    """Poll (no fixed sleeps) until `check` holds; fail naming what never happened."""
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f}s waiting for: {what}")
        time.sleep(every)


async def _read(bootstrap: str, topics: list[str], idle_seconds: float) -> list[Any]:
    consumer = AIOKafkaConsumer(
        *topics,
        bootstrap_servers=bootstrap,
        group_id=f"e2e-reader-{uuid.uuid4().hex}",
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    await consumer.start()
    records: list[Any] = []
    try:
        idle_since = time.monotonic()
        while time.monotonic() - idle_since < idle_seconds:
            batch = await consumer.getmany(timeout_ms=500)
            for part in batch.values():
                if part:
                    records.extend(part)
                    idle_since = time.monotonic()
    finally:
        await consumer.stop()
    return records


def read_topic(bootstrap: str, topic: str, idle_seconds: float = 8.0) -> list[Any]:
    """Every record of a topic, from the beginning, through an ordinary Kafka consumer."""
    return asyncio.run(_read(bootstrap, [topic], idle_seconds))


def read_topics(bootstrap: str, topics: list[str], idle_seconds: float = 8.0) -> list[Any]:
    """Every record of several topics through one consumer (one group join, not one each)."""
    return asyncio.run(_read(bootstrap, topics, idle_seconds))


async def _republish(bootstrap: str, records: list[Any]) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap)
    await producer.start()
    try:
        for r in records:
            await producer.send(r.topic, value=r.value, key=r.key, headers=list(r.headers or ()))
        await producer.flush()
    finally:
        await producer.stop()


def republish(bootstrap: str, records: list[Any]) -> None:
    asyncio.run(_republish(bootstrap, records))


def jsonl(orders: list[dict[str, Any]]) -> bytes:
    return "\n".join(json.dumps(o, ensure_ascii=False) for o in orders).encode()
