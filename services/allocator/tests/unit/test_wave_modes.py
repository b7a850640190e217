"""How waves run (연속 / 수동 / 예약), over fake repositories: a MANUAL seller's bundles wait
through stock arrivals until 할당처리; a SCHEDULED one's until its schedule is due; a
CONTINUOUS one (the default) allocates as stock arrives."""

from datetime import UTC, datetime, timedelta

import pytest

from packline_allocator.domain.decisions import Trigger
from packline_allocator.domain.order_stock import BundleStatus
from packline_allocator.domain.wave_modes import ModeRefused, WaveMode, WaveSchedule
from packline_allocator.service_layer import stock_changes, waves
from packline_launcher.testing import bundle, collected, matched

from .fakes import FakeWork

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def _waiting(work: FakeWork) -> object:
    formed = bundle(matched(collected(1), {"A": 1}))
    work.bundles.add(formed)
    return formed


async def test_continuous_by_default_allocates_as_stock_arrives() -> None:
    work = FakeWork()
    formed = _waiting(work)
    assert await stock_changes.set_levels(work, "s1", {"A": 1}) == 1
    assert work.status(formed) is BundleStatus.ALLOCATED  # type: ignore[arg-type]


async def test_manual_waits_through_stock_arrivals_until_a_person_runs_the_wave() -> None:
    work = FakeWork()
    formed = _waiting(work)
    await waves.set_mode(work, "s1", WaveSchedule(WaveMode.MANUAL), "kim")
    assert await stock_changes.set_levels(work, "s1", {"A": 1}) == 0
    assert work.status(formed) is BundleStatus.WAITING  # type: ignore[arg-type]
    assert work.waves.recorded == []  # no wave ran, none is recorded
    assert await waves.run_wave_now(work, "s1") == 1
    assert work.waves.recorded[-1].trigger is Trigger.MANUAL


async def test_scheduled_runs_when_due_and_not_before() -> None:
    work = FakeWork()
    formed = _waiting(work)
    await waves.set_mode(work, "s1", WaveSchedule(WaveMode.SCHEDULED, 30), "kim")
    assert await stock_changes.set_levels(work, "s1", {"A": 1}) == 0  # events start no wave
    assert await waves.scheduled_waves(work, NOW) == 1  # never ran: due at once
    assert work.status(formed) is BundleStatus.ALLOCATED  # type: ignore[arg-type]
    assert work.waves.recorded[-1].trigger is Trigger.SCHEDULED
    assert await waves.scheduled_waves(work, NOW + timedelta(minutes=29)) == 0
    assert await waves.scheduled_waves(work, NOW + timedelta(minutes=30)) == 1


def test_a_schedule_needs_its_interval_and_only_a_schedule_has_one() -> None:
    with pytest.raises(ModeRefused):
        WaveSchedule(WaveMode.SCHEDULED)
    with pytest.raises(ModeRefused):
        WaveSchedule(WaveMode.MANUAL, 10)
    with pytest.raises(ModeRefused):
        WaveSchedule(WaveMode.SCHEDULED, 0)
