"""A transaction PostgreSQL picks as a deadlock victim runs again and ends with its answer."""

import asyncio
from pathlib import Path
from typing import Any

import pytest

from packline_runtime.contention import LostRace, in_transaction
from packline_runtime.unit_of_work import UnitOfWork

NO_SERVICE_MIGRATIONS = Path(__file__).parent / "sql_empty"


async def test_both_sides_of_a_real_deadlock_end_with_their_change(new_schema: Any) -> None:
    pool = await new_schema(NO_SERVICE_MIGRATIONS)
    await pool.execute("CREATE TABLE counters (id int PRIMARY KEY, n int NOT NULL)")
    await pool.execute("INSERT INTO counters VALUES (1, 0), (2, 0)")
    both_hold_one = asyncio.Barrier(2)
    attempts: list[str] = []

    def bump(first: int, second: int) -> Any:
        async def work(uow: UnitOfWork) -> int:
            attempts.append(f"{first}->{second}")
            await uow.conn.execute("UPDATE counters SET n = n + 1 WHERE id = $1", first)
            if len(attempts) <= 2:  # the first try of each: hold one row, then want the other
                await both_hold_one.wait()
            await uow.conn.execute("UPDATE counters SET n = n + 1 WHERE id = $1", second)
            return first

        return work

    done = await asyncio.gather(in_transaction(pool, bump(1, 2)), in_transaction(pool, bump(2, 1)))
    assert sorted(done) == [1, 2]
    assert len(attempts) == 3  # PostgreSQL broke the deadlock once; the victim ran again
    assert [r["n"] for r in await pool.fetch("SELECT n FROM counters ORDER BY id")] == [2, 2]


async def test_a_race_lost_every_time_is_reported_as_such(new_schema: Any) -> None:
    pool = await new_schema(NO_SERVICE_MIGRATIONS)

    async def always_conflicts(uow: UnitOfWork) -> None:
        await uow.conn.execute(
            "DO $$ BEGIN RAISE EXCEPTION 'conflict' USING ERRCODE = '40001'; END $$"
        )

    with pytest.raises(LostRace, match="reload and try again"):
        await in_transaction(pool, always_conflicts, attempts=2, backoff_seconds=0)
