"""Two transactions racing for the shipper's locks on real PostgreSQL: the first holds its locks
while the second starts and waits for them, then the first commits."""

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

from packline_contracts import Event
from packline_runtime.unit_of_work import UnitOfWork, unit_of_work

Work = Callable[[UnitOfWork], Awaitable[Any]]


async def _in_open_transaction(
    pool: Any, work: Work, holding: asyncio.Event, release: asyncio.Event
) -> list[Event]:
    """Run `work`, then keep the transaction (and its row locks) open until released."""
    async with unit_of_work(pool) as uow:
        await work(uow)
        emitted = uow.emitted
        holding.set()
        await release.wait()
    return emitted


async def _blocked(pool: Any, work: Work) -> list[Event]:
    async with unit_of_work(pool) as uow:
        await work(uow)
        return uow.emitted


async def _wait_until_blocked_on_a_lock(pool: Any) -> None:
    deadline = time.monotonic() + 10
    async with pool.acquire() as conn:
        while not await conn.fetchval("SELECT count(*) FROM pg_locks WHERE NOT granted"):
            assert time.monotonic() < deadline, "the second transaction never waited for a lock"
            await asyncio.sleep(0.02)


async def race(pool: Any, first: Work, second: Work) -> tuple[list[Event], Any]:
    """`first` holds its locks while `second` starts and waits for them; then `first` commits.
    Returns what `first` emitted and `second`'s outcome (its events, or the exception)."""
    holding, release = asyncio.Event(), asyncio.Event()
    first_task = asyncio.create_task(_in_open_transaction(pool, first, holding, release))
    await asyncio.wait_for(holding.wait(), 10)
    second_task = asyncio.create_task(_blocked(pool, second))
    try:
        await _wait_until_blocked_on_a_lock(pool)
    finally:
        release.set()
    first_events = await first_task
    second_outcome = (await asyncio.gather(second_task, return_exceptions=True))[0]
    return first_events, second_outcome
