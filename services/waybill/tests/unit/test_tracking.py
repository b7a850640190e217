"""The tracked parcel's rules without a database: pickup, delivery, stale answers, backoff and
the overdue flag."""

import uuid
from datetime import UTC, datetime, timedelta

from packline_waybill.domain.tracking import ParcelTracking, Scan, TrackingState

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
EVERY = timedelta(minutes=15)
DAY = timedelta(hours=24)


def _shipped(has_api: bool = True) -> ParcelTracking:
    return ParcelTracking.shipped(
        uuid.uuid4(), "s1", 7 if has_api else None, has_api, "HANJIN", "500000000017", T0, T0
    )


def test_a_parcel_with_api_access_is_due_at_once_and_one_without_is_never_polled() -> None:
    assert _shipped().next_poll_at == T0
    assert _shipped(has_api=False).next_poll_at is None


def test_pickup_is_the_first_scan_at_or_past_at_pickup_and_delivery_stops_polling() -> None:
    parcel = _shipped()
    scans = [
        Scan(TrackingState.INFORMATION_RECEIVED, T0 + timedelta(hours=1)),
        Scan(TrackingState.AT_PICKUP, T0 + timedelta(hours=5)),
        Scan(TrackingState.IN_TRANSIT, T0 + timedelta(hours=9)),
    ]
    parcel.observe(scans, TrackingState.IN_TRANSIT, scans[-1].at, T0 + DAY, EVERY)
    assert parcel.picked_up_at == T0 + timedelta(hours=5)
    assert parcel.next_poll_at == T0 + DAY + EVERY

    done = Scan(TrackingState.DELIVERED, T0 + timedelta(hours=30))
    parcel.observe([*scans, done], TrackingState.DELIVERED, done.at, T0 + 2 * DAY, EVERY)

    assert (parcel.state, parcel.delivered_at, parcel.next_poll_at) == (
        TrackingState.DELIVERED,
        done.at,
        None,
    )


def test_an_older_answer_does_not_move_the_state_back() -> None:
    parcel = _shipped()
    parcel.observe([], TrackingState.OUT_FOR_DELIVERY, T0 + timedelta(hours=20), T0 + DAY, EVERY)
    parcel.observe([], TrackingState.IN_TRANSIT, T0 + timedelta(hours=10), T0 + DAY, EVERY)
    assert parcel.state is TrackingState.OUT_FOR_DELIVERY


def test_a_failed_poll_backs_off_longer_each_time_and_a_success_resets_it() -> None:
    parcel = _shipped()
    parcel.poll_failed("SERVER_ERROR", "503", T0)
    first = parcel.next_poll_at
    parcel.poll_failed("SERVER_ERROR", "503", T0)
    assert first is not None and parcel.next_poll_at is not None and parcel.next_poll_at > first
    assert parcel.last_error is not None and parcel.last_error["code"] == "SERVER_ERROR"
    parcel.not_known_yet(T0, EVERY)
    assert (parcel.poll_failures, parcel.last_error, parcel.state) == (
        0,
        None,
        TrackingState.UNKNOWN,
    )


def test_overdue_means_followed_and_not_picked_up_within_the_deadline() -> None:
    parcel = _shipped()
    assert not parcel.overdue(T0 + DAY - timedelta(seconds=1), DAY)
    assert parcel.overdue(T0 + DAY, DAY)
    assert not _shipped(has_api=False).overdue(T0 + 2 * DAY, DAY)
    parcel.observe([Scan(TrackingState.AT_PICKUP, T0 + 2 * DAY)], None, None, T0 + 2 * DAY, EVERY)
    assert not parcel.overdue(T0 + 3 * DAY, DAY)
