"""The `packline_overdue_seconds{deadline="shipping_cutoff"}` gauge's sample: the earliest
moment an order still unshipped had to ship by, each seller's orders under the seller's own
출고 마감 (the default for sellers who set none). Like every gauge in packline_runtime.metrics
it has no seller label (their labels are small fixed sets: service, event type, queue,
dependency, marketplace); it reports the worst seller, and grows past 0 only once that moment
has passed."""

from collections.abc import Awaitable, Callable
from datetime import time

import asyncpg

from packline_collector.adapters import overdue_view
from packline_collector.domain.shipping_cutoff import Waiting, earliest_due
from packline_runtime import metrics

LABELS = (("service", "collector"), ("deadline", "shipping_cutoff"))
ReadWaiting = Callable[[], Awaitable[list[Waiting]]]


def reader(pool: Callable[[], asyncpg.Pool]) -> ReadWaiting:
    async def read() -> list[Waiting]:
        async with pool().acquire() as conn:
            return await overdue_view.oldest_unshipped_by_seller(conn)

    return read


def sampler(read: ReadWaiting, default: time) -> Callable[[], Awaitable[int]]:
    async def sample() -> int:
        metrics.DEADLINES[LABELS] = earliest_due(await read(), default)
        return 0

    return sample
