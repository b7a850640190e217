"""The `packline_overdue_seconds{deadline="shipping_cutoff"}` gauge's sample: the cut-off the
oldest unshipped order had to ship by (it only grows past 0 once that moment has passed)."""

from collections.abc import Awaitable, Callable
from datetime import time

import asyncpg

from packline_collector.adapters import overdue_view
from packline_collector.domain.shipping_cutoff import ship_by
from packline_runtime import metrics

LABELS = (("service", "collector"), ("deadline", "shipping_cutoff"))


def sampler(pool: Callable[[], asyncpg.Pool], cutoff: time) -> Callable[[], Awaitable[int]]:
    async def sample() -> int:
        async with pool().acquire() as conn:
            oldest = await overdue_view.oldest_unshipped(conn)
        metrics.DEADLINES[LABELS] = None if oldest is None else ship_by(oldest, cutoff)
        return 0

    return sample
