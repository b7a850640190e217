"""A shipped parcel followed through the courier's tracking (배송추적): its scans, its current
state, when it was picked up (집하) and delivered (배송완료), and whether it is overdue: scanned
out (출고) here but not picked up by the courier within the pickup deadline.

States are tracker.delivery's vocabulary, plus SHIPPED (nothing heard from the courier yet) and
UNKNOWN (the courier does not know the number yet)."""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum


class TrackingState(StrEnum):
    SHIPPED = "SHIPPED"
    UNKNOWN = "UNKNOWN"
    INFORMATION_RECEIVED = "INFORMATION_RECEIVED"  # 접수
    AT_PICKUP = "AT_PICKUP"  # 집하
    IN_TRANSIT = "IN_TRANSIT"  # 배송중
    OUT_FOR_DELIVERY = "OUT_FOR_DELIVERY"  # 배송출발
    ATTEMPT_FAIL = "ATTEMPT_FAIL"  # 미배달
    AVAILABLE_FOR_PICKUP = "AVAILABLE_FOR_PICKUP"  # 보관중
    DELIVERED = "DELIVERED"  # 배송완료
    EXCEPTION = "EXCEPTION"  # 배송이상

    @classmethod
    def of(cls, status: str) -> "TrackingState | None":
        """The courier's status, or None for a word outside the vocabulary."""
        try:
            return cls(status)
        except ValueError:
            return None


# every state the courier only reports once it holds the parcel
PICKED_UP = frozenset(
    {
        TrackingState.AT_PICKUP,
        TrackingState.IN_TRANSIT,
        TrackingState.OUT_FOR_DELIVERY,
        TrackingState.ATTEMPT_FAIL,
        TrackingState.AVAILABLE_FOR_PICKUP,
        TrackingState.DELIVERED,
    }
)
# what a courier reports about a number; SHIPPED and UNKNOWN are ours
COURIER_STATES = frozenset(TrackingState) - {TrackingState.SHIPPED, TrackingState.UNKNOWN}
MAX_BACKOFF = timedelta(hours=1)


@dataclass(frozen=True)
class Scan:
    """One scan the courier reported."""

    status: TrackingState
    at: datetime
    text: str | None = None
    location: str | None = None


@dataclass
class ParcelTracking:
    parcel_id: uuid.UUID
    seller_id: str
    account_id: int | None
    courier_code: str
    tracking_number: str
    shipped_at: datetime
    followed: bool  # its courier account has API access: polled and listed when overdue
    state: TrackingState = TrackingState.SHIPPED
    state_at: datetime | None = None
    picked_up_at: datetime | None = None
    delivered_at: datetime | None = None
    next_poll_at: datetime | None = None  # None: not polled
    poll_failures: int = 0
    last_polled_at: datetime | None = None
    last_error: dict[str, str] | None = None
    new_scans: list[Scan] = field(default_factory=list)  # to be recorded

    @classmethod
    def shipped(
        cls,
        parcel_id: uuid.UUID,
        seller_id: str,
        account_id: int | None,
        has_api: bool,
        courier_code: str,
        tracking_number: str,
        shipped_at: datetime,
        now: datetime,
    ) -> "ParcelTracking":
        """Scanned out: followed from now on when the courier account has API access."""
        return cls(
            parcel_id,
            seller_id,
            account_id,
            courier_code,
            tracking_number,
            shipped_at,
            followed=has_api,
            next_poll_at=now if has_api else None,
        )

    @property
    def delivered(self) -> bool:
        return self.delivered_at is not None

    def observe(
        self,
        scans: Sequence[Scan],
        current: TrackingState | None,
        current_at: datetime | None,
        now: datetime,
        poll_every: timedelta,
    ) -> None:
        """What a poll answered: the scans (history, maybe repeated) and the current status.
        A delivered parcel is polled no more; an answer older than what we know changes no
        state."""
        self.new_scans.extend(scans)
        for scan in scans:
            if scan.status in PICKED_UP:
                self.picked_up_at = _earliest(self.picked_up_at, scan.at)
            if scan.status is TrackingState.DELIVERED:
                self.delivered_at = _earliest(self.delivered_at, scan.at)
        latest = max(scans, key=lambda s: s.at, default=None)
        if current is not None and current_at is not None:
            if latest is None or current_at >= latest.at:
                latest = Scan(current, current_at)
        if latest is not None and (self.state_at is None or latest.at >= self.state_at):
            self.state, self.state_at = latest.status, latest.at
            if latest.status in PICKED_UP:
                self.picked_up_at = _earliest(self.picked_up_at, latest.at)
            if latest.status is TrackingState.DELIVERED:
                self.delivered_at = _earliest(self.delivered_at, latest.at)
        self._polled(now, poll_every)

    def not_known_yet(self, now: datetime, poll_every: timedelta) -> None:
        """The courier does not know the number (a band number not handed over yet)."""
        if self.state is TrackingState.SHIPPED:
            self.state = TrackingState.UNKNOWN
        self._polled(now, poll_every)

    def poll_failed(self, code: str, message: str, now: datetime) -> None:
        """The call failed (5xx, 429 after its retries, a malformed answer): back off."""
        self.poll_failures += 1
        self.last_error = {"code": code, "message": message, "at": now.isoformat()}
        if not self.delivered:
            self.next_poll_at = now + backoff(self.poll_failures)

    def _polled(self, now: datetime, poll_every: timedelta) -> None:
        self.poll_failures = 0
        self.last_error = None
        self.last_polled_at = now
        self.next_poll_at = None if self.delivered else now + poll_every

    def overdue(self, now: datetime, pickup_deadline: timedelta) -> bool:
        return (
            self.followed and self.picked_up_at is None and now - self.shipped_at >= pickup_deadline
        )


def backoff(failures: int) -> timedelta:
    return min(MAX_BACKOFF, timedelta(seconds=15 * 2 ** min(failures, 10)))


def _earliest(known: datetime | None, seen: datetime) -> datetime:
    return seen if known is None else min(known, seen)
