"""When each order's events appear on the stack's topics, read by a plain aiokafka consumer in a
background thread (its own event loop). WaybillIssued and Shipped are parsed and matched on
order ids (`seller:marketplace:order`); the stages' other topics are only counted and timed,
which is enough to see when each stage finished a run (one run at a time)."""

import asyncio
import bisect
import json
import threading
import time
import uuid

from aiokafka import AIOKafkaConsumer

from packline_contracts import Topic

TIMED = (
    Topic.ORDER_COLLECTED,
    Topic.ORDER_MATCHED,
    Topic.BUNDLE_FORMED,
    Topic.STOCK_ALLOCATED,
    Topic.WAYBILL_ISSUED,
    Topic.SHIPPED,
)
MEMBERS = {Topic.WAYBILL_ISSUED.value: "members", Topic.SHIPPED.value: "orders"}


def uid(ref: dict[str, str]) -> str:
    return f"{ref['seller_id']}:{ref['marketplace']}:{ref['marketplace_order_id']}"


class TopicClock:
    def __init__(self, bootstrap: str) -> None:
        self.bootstrap = bootstrap
        self.arrivals: dict[str, list[float]] = {t.value: [] for t in TIMED}  # monotonic, sorted
        self.waybill: dict[str, float] = {}  # order uid → first WaybillIssued naming it
        self.shipped: dict[str, float] = {}  # order uid → first Shipped naming it
        self._stop = threading.Event()
        self._ready = threading.Event()
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="topic-clock", daemon=True)

    def start(self, timeout: float = 60.0) -> None:
        self._thread.start()
        if not self._ready.wait(timeout):
            raise TimeoutError(f"topic clock had no partitions after {timeout}s: {self._error}")

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(10)

    def check(self) -> None:
        if self._error is not None:
            raise RuntimeError("topic clock failed") from self._error

    def _run(self) -> None:
        try:
            asyncio.run(self._consume())
        except BaseException as exc:  # reported by check()
            self._error = exc

    async def _consume(self) -> None:
        consumer = AIOKafkaConsumer(
            *(t.value for t in TIMED),
            bootstrap_servers=self.bootstrap,
            group_id=f"packline-bench-{uuid.uuid4().hex[:8]}",
            auto_offset_reset="earliest",
            enable_auto_commit=False,
            fetch_max_wait_ms=10,
        )
        await consumer.start()
        try:
            while not self._stop.is_set():
                batch = await consumer.getmany(timeout_ms=20, max_records=2000)
                if consumer.assignment():
                    self._ready.set()
                now = time.monotonic()
                for tp, records in batch.items():
                    self.arrivals[tp.topic].extend(now for _ in records)
                    field = MEMBERS.get(tp.topic)
                    if field is None:
                        continue
                    seen = self.waybill if field == "members" else self.shipped
                    for record in records:
                        for member in json.loads(record.value or b"{}").get(field, ()):
                            seen.setdefault(uid(member["order"]), now)
        finally:
            await consumer.stop()

    def window(self, topic: Topic, since: float) -> tuple[int, float | None]:
        """Records of `topic` that arrived after `since`, and when the last of them did."""
        times = self.arrivals[topic.value]
        first = bisect.bisect_left(times, since)
        count = len(times) - first
        return count, (times[-1] if count else None)
