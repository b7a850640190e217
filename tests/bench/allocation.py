"""Issue 13's flat cost: what allocating new bundles costs with few and with many bundles
already waiting on a SKU nobody restocks. In-process: the allocator's use cases on a schema of
the bench's PostgreSQL (no broker, no other service), batches of 500 handed over as the
consumer does; the queue is filled first, then 2,000 new bundles are timed (half need the short
SKU and wait, half need a stocked one and are allocated)."""

import time
import uuid
from typing import Any

import asyncpg

from packline_allocator.bootstrap import MIGRATIONS
from packline_allocator.service_layer import use_cases
from packline_contracts import BundleFormed
from packline_launcher.testing import bundle, collected, matched
from packline_runtime.db import create_pool
from packline_runtime.migrations import migrate
from packline_runtime.unit_of_work import unit_of_work

SELLER = "bench-allocation"
BATCH = 500


def _box(number: int, sku: str) -> BundleFormed:
    return bundle(matched(collected(number, seller=SELLER), {sku: 1}))


async def _feed(pool: asyncpg.Pool, boxes: list[BundleFormed]) -> None:
    for start in range(0, len(boxes), BATCH):
        async with unit_of_work(pool) as uow:
            await use_cases.handle_events(uow, boxes[start : start + BATCH])


async def cost(dsn: str, waiting: int, measured: int = 2_000) -> dict[str, Any]:
    """ms per new bundle with `waiting` bundles already waiting for stock."""
    schema = f"bench_alloc_{uuid.uuid4().hex[:8]}"
    pool = await create_pool(dsn, schema, min_size=1, max_size=2)
    try:
        async with pool.acquire() as setup:
            await migrate(setup, schema, MIGRATIONS)
        async with unit_of_work(pool) as uow:
            await use_cases.set_stock(uow, SELLER, {"STOCKED": measured})
        await _feed(pool, [_box(n, "SHORT") for n in range(waiting)])
        await pool.execute("ANALYZE")  # as autovacuum would have by then, on a queue this long
        new = [_box(waiting + n, "SHORT" if n % 2 else "STOCKED") for n in range(measured)]
        started = time.perf_counter()
        await _feed(pool, new)
        seconds = time.perf_counter() - started
        rows = await pool.fetch("SELECT status, count(*) AS n FROM bundles GROUP BY status")
        counts = {r["status"]: r["n"] for r in rows}
        return {
            "waiting_before": waiting,
            "new_bundles": measured,
            "seconds": round(seconds, 2),
            "ms_per_bundle": round(1000 * seconds / measured, 3),
            "allocated": counts.get("ALLOCATED", 0),
            "waiting_after": counts.get("WAITING", 0),
        }
    finally:
        await pool.close()
        admin = await asyncpg.connect(dsn)
        try:
            await admin.execute(f'DROP SCHEMA "{schema}" CASCADE')
        finally:
            await admin.close()


async def flat_cost(dsn: str, small: int, large: int) -> dict[str, Any]:
    runs = {str(n): await cost(dsn, n) for n in (small, large)}
    few, many = (runs[str(n)]["ms_per_bundle"] for n in (small, large))
    return {"runs": runs, "large_vs_small": round(many / few, 3) if few else None}
