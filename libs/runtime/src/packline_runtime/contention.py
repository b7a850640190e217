"""A person's action in one transaction, tried again when PostgreSQL gives it up to a race.

Locks taken in one order keep deadlocks away; this is the belt for what still slips through
(a deadlock PostgreSQL broke, a serialization failure): the whole transaction runs again, so a
click ends with its real answer, never with a 500 for somebody else's timing.
"""

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

import asyncpg

from packline_runtime.unit_of_work import UnitOfWork, unit_of_work

log = logging.getLogger(__name__)

T = TypeVar("T")

RACES: tuple[type[BaseException], ...] = (
    asyncpg.DeadlockDetectedError,
    asyncpg.SerializationError,
    asyncpg.LockNotAvailableError,
)


class LostRace(RuntimeError):
    """Every attempt lost to concurrent changes; the caller answers 409 and the person retries."""


async def in_transaction(
    pool: asyncpg.Pool,
    work: Callable[[UnitOfWork], Awaitable[T]],
    *,
    attempts: int = 4,
    backoff_seconds: float = 0.02,
) -> T:
    """Run `work` in a unit of work; run it again from the start after a lost race."""
    for attempt in range(1, attempts + 1):
        try:
            async with unit_of_work(pool) as uow:
                return await work(uow)
        except RACES as exc:
            log.warning(
                "transaction lost a race (%s), attempt %d of %d",
                type(exc).__name__,
                attempt,
                attempts,
            )
            if attempt < attempts:
                await asyncio.sleep(backoff_seconds * 2 ** (attempt - 1))
    raise LostRace(
        f"other changes kept conflicting with this one {attempts} times; reload and try again"
    )
