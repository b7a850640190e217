"""출고 마감: the moment an order must have shipped by, from when it was collected (Asia/Seoul)."""

from datetime import UTC, datetime, time

import pytest

from packline_collector.domain.shipping_cutoff import parse_cutoff, ship_by

CUTOFF = time(15, 0)


def test_an_order_collected_before_the_cut_off_ships_the_same_korean_day() -> None:
    # 09:30 KST on 2 March is 00:30 UTC; it must ship by 15:00 KST = 06:00 UTC that day
    collected = datetime(2026, 3, 2, 0, 30, tzinfo=UTC)
    assert ship_by(collected, CUTOFF) == datetime(2026, 3, 2, 6, 0, tzinfo=UTC)


def test_an_order_collected_at_or_after_the_cut_off_ships_by_the_next_days() -> None:
    at_cutoff = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)  # 15:00 KST exactly
    assert ship_by(at_cutoff, CUTOFF) == datetime(2026, 3, 3, 6, 0, tzinfo=UTC)


def test_the_korean_date_counts_not_the_utc_one() -> None:
    # 23:00 UTC on 1 March is 08:00 KST on 2 March: that Korean day's cut-off
    collected = datetime(2026, 3, 1, 23, 0, tzinfo=UTC)
    assert ship_by(collected, CUTOFF) == datetime(2026, 3, 2, 6, 0, tzinfo=UTC)


def test_a_cut_off_that_is_not_hh_mm_is_named_with_an_example() -> None:
    assert parse_cutoff(" 09:05") == time(9, 5)
    for bad in ("15", "25:00", "3pm", "15:00:00"):
        with pytest.raises(ValueError, match=f"'{bad}' is not HH:MM.*e.g. 15:00"):
            parse_cutoff(bad)
