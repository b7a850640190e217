"""출고 마감: the moment an order must have shipped by, from when it was collected (Asia/Seoul),
under each seller's own cut-off or the default; the overdue gauge's sample from fake rows."""

from datetime import UTC, datetime, time

import pytest

from packline_collector.domain.shipping_cutoff import Waiting, earliest_due, parse_cutoff, ship_by
from packline_collector.service_layer import shipping_overdue
from packline_runtime import metrics

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


# Each seller's own cut-off: the gauge's deadline is the earliest any seller's oldest order had
# to ship by, under that seller's cut-off (the default for sellers who set none).
def test_each_seller_is_held_to_its_own_cut_off() -> None:
    at_nine = datetime(2026, 3, 2, 0, 0, tzinfo=UTC)  # 09:00 KST
    waiting = [
        Waiting("late-shipper", at_nine, time(18, 0)),  # due 18:00 KST = 09:00 UTC
        Waiting("early-shipper", at_nine, time(11, 0)),  # due 11:00 KST = 02:00 UTC
    ]
    assert earliest_due(waiting, CUTOFF) == datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
    assert earliest_due(waiting[:1], CUTOFF) == datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_a_seller_without_a_cut_off_has_the_default_and_none_waiting_means_none_due() -> None:
    at_nine = datetime(2026, 3, 2, 0, 0, tzinfo=UTC)
    assert earliest_due([Waiting("s", at_nine, None)], CUTOFF) == datetime(
        2026, 3, 2, 6, 0, tzinfo=UTC
    )
    assert earliest_due([Waiting("s", at_nine, None)], time(10, 0)) == datetime(
        2026, 3, 2, 1, 0, tzinfo=UTC
    )
    assert earliest_due([], CUTOFF) is None


def test_midnight_is_a_cut_off_of_its_own_not_the_default() -> None:
    at_nine = datetime(2026, 3, 2, 0, 0, tzinfo=UTC)  # past 00:00 KST: the next day's midnight
    due = earliest_due([Waiting("s", at_nine, time(0, 0))], CUTOFF)
    assert due == datetime(2026, 3, 2, 15, 0, tzinfo=UTC)


def test_a_newer_order_under_an_earlier_cut_off_is_due_before_the_oldest_order() -> None:
    # 16:00 KST under 15:00: due tomorrow 15:00; 20:00 KST under 09:00: due tomorrow 09:00
    older = Waiting("a", datetime(2026, 3, 1, 7, 0, tzinfo=UTC), time(15, 0))
    newer = Waiting("b", datetime(2026, 3, 1, 11, 0, tzinfo=UTC), time(9, 0))
    assert earliest_due([older, newer], CUTOFF) == datetime(2026, 3, 2, 0, 0, tzinfo=UTC)


async def test_the_sampler_sets_the_gauges_deadline_from_what_it_reads() -> None:
    at_nine = datetime(2026, 3, 2, 0, 0, tzinfo=UTC)
    found: list[Waiting] = [Waiting("a", at_nine, time(11, 0)), Waiting("b", at_nine, None)]

    async def read() -> list[Waiting]:  # a fake of the view: what PostgreSQL would answer
        return list(found)

    sample = shipping_overdue.sampler(read, CUTOFF)
    assert await sample() == 0
    assert metrics.DEADLINES[shipping_overdue.LABELS] == datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
    found.clear()
    await sample()
    assert metrics.DEADLINES[shipping_overdue.LABELS] is None
    [(labels, age)] = [
        (labels, age)
        for labels, age in metrics.overdue_ages(at_nine)
        if labels.get("deadline") == "shipping_cutoff"
    ]
    assert (labels, age) == ({"service": "collector", "deadline": "shipping_cutoff"}, 0.0)
