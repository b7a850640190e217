"""A manual period cut into the marketplace's longest listing window (11st 7 days, ESM 31)."""

from datetime import UTC, datetime, timedelta

from packline_collector.domain.remote import windows

START = datetime(2026, 11, 1, tzinfo=UTC)


def test_twenty_days_in_weeks_are_three_windows_that_tile_the_period() -> None:
    found = windows(START, START + timedelta(days=20), timedelta(days=7))
    assert found == [
        (START, START + timedelta(days=7)),
        (START + timedelta(days=7), START + timedelta(days=14)),
        (START + timedelta(days=14), START + timedelta(days=20)),
    ]


def test_an_exact_multiple_has_no_empty_tail_and_an_empty_period_no_window() -> None:
    assert len(windows(START, START + timedelta(days=62), timedelta(days=31))) == 2
    assert windows(START, START, timedelta(days=7)) == []
    assert windows(START + timedelta(days=1), START, timedelta(days=7)) == []
