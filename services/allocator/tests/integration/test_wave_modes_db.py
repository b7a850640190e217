"""연속 / 수동 / 예약 on PostgreSQL: the mode is stored per seller; a MANUAL seller's bundle waits
through a stock receipt; the scheduler's tick runs a due SCHEDULED seller's wave once (a second
replica's tick at the same time finds nothing due) and records it as SCHEDULED."""

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

from packline_allocator.bootstrap import MIGRATIONS
from packline_allocator.domain.movements import MoveLine, MovementReason
from packline_allocator.domain.wave_modes import WaveMode, WaveSchedule
from packline_allocator.service_layer import use_cases
from packline_launcher.testing import bundle, collected, matched
from packline_runtime.unit_of_work import unit_of_work

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


async def _status(pool: Any, bundle_id: Any) -> str:
    return str(await pool.fetchval("SELECT status FROM bundles WHERE bundle_id = $1", bundle_id))


async def test_manual_then_scheduled_waves(new_schema: Any) -> None:
    pool = await new_schema(MIGRATIONS)
    formed = bundle(matched(collected(1, seller="s1"), {"A": 1}))
    async with unit_of_work(pool) as uow:
        await use_cases.set_wave_mode(uow, "s1", WaveSchedule(WaveMode.MANUAL), "kim")
        await use_cases.handle_events(uow, [formed])
    async with unit_of_work(pool) as uow:
        moved = await use_cases.move_stock(
            uow, "s1", MovementReason.RECEIPT, [MoveLine("A", 2)], "kim"
        )
    assert moved.bundles_allocated == 0 and await _status(pool, formed.bundle_id) == "WAITING"

    async with unit_of_work(pool) as uow:
        await use_cases.set_wave_mode(uow, "s1", WaveSchedule(WaveMode.SCHEDULED, 15), "kim")
        assert (await use_cases.wave_mode(uow, "s1")).every_minutes == 15

    async def tick(at: datetime) -> int:
        async with unit_of_work(pool) as uow:
            return await use_cases.run_scheduled_waves(uow, at)

    assert sorted(await asyncio.gather(tick(NOW), tick(NOW))) == [0, 1]  # one replica ran it
    assert await _status(pool, formed.bundle_id) == "ALLOCATED"
    assert await pool.fetchval("SELECT trigger FROM waves ORDER BY started_at DESC LIMIT 1") == (
        "SCHEDULED"
    )
    assert await tick(NOW + timedelta(minutes=14)) == 0
    assert await tick(NOW + timedelta(minutes=15)) == 1
