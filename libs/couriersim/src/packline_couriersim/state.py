"""The simulator's memory: courier accounts, booked parcels, issued numbers, daily quotas,
request rates, scripted rejections and faults, and the call log."""

import secrets
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from packline_couriersim import numbers
from packline_couriersim.script import Script
from packline_couriersim.sorting import Sorting

KST = timedelta(hours=9)

# tracker.delivery's status vocabulary, in the order a parcel usually passes through it
STATUSES = (
    "INFORMATION_RECEIVED",
    "AT_PICKUP",
    "IN_TRANSIT",
    "OUT_FOR_DELIVERY",
    "DELIVERED",
)
OTHER_STATUSES = ("ATTEMPT_FAIL", "AVAILABLE_FOR_PICKUP", "EXCEPTION")
STATUS_TEXT = {
    "INFORMATION_RECEIVED": "접수",
    "AT_PICKUP": "집화처리",
    "IN_TRANSIT": "간선상차",
    "OUT_FOR_DELIVERY": "배송출발",
    "DELIVERED": "배송완료",
    "ATTEMPT_FAIL": "미배달",
    "AVAILABLE_FOR_PICKUP": "보관중",
    "EXCEPTION": "배송이상",
}


@dataclass
class Account:
    key_id: str
    secret: str
    courier: str  # the courier this account simulates: HANJIN, HYUNDAI (롯데), CJGLS, ...
    daily_quota: int = 10_000  # new numbers per KST day
    rate_per_second: int = 10


@dataclass
class Parcel:
    account: str
    reference: str  # the shipper's reference; "handover:<number>" for a registered band number
    tracking_number: str
    sorting: Sorting | None  # None: a band number handed over, never booked here
    status: str
    updated_at: datetime
    events: list[tuple[str, datetime]] = field(default_factory=list)  # (status, when), oldest first

    def move(self, status: str, at: datetime) -> None:
        self.status = status
        self.updated_at = at
        self.events.append((status, at))


@dataclass(frozen=True)
class Call:
    account: str
    operation: str
    status: int
    at: datetime


@dataclass
class Simulator:
    seed: int = 1
    clock_offset: timedelta = timedelta(0)
    monotonic: Callable[[], float] = time.monotonic  # the rate limit's clock
    accounts: dict[str, Account] = field(default_factory=dict)
    parcels: dict[tuple[str, str], Parcel] = field(default_factory=dict)  # (key id, reference)
    by_number: dict[str, Parcel] = field(default_factory=dict)
    serials: dict[str, int] = field(default_factory=dict)  # courier → numbers issued
    issued: dict[tuple[str, date], int] = field(default_factory=dict)  # (key id, KST day)
    recent: dict[str, deque[float]] = field(default_factory=dict)  # key id → call times
    rejected_postcodes: set[str] = field(default_factory=set)
    rejected_addresses: set[str] = field(default_factory=set)
    script: Script = field(default_factory=Script)
    calls: list[Call] = field(default_factory=list)
    # automatic progression for the demo: each parcel moves one usual status per step
    progress_step: timedelta | None = None
    # only parcels picked up move on: a booked one waits for the seller to hand it over
    progress_after_pickup: bool = False
    webhooks: dict[str, str] = field(default_factory=dict)  # key id → URL told of changes
    on_change: Callable[[Parcel], None] | None = None  # set by the app: sends the webhook

    def now(self) -> datetime:
        return datetime.now(UTC) + self.clock_offset

    def add_account(
        self,
        courier: str,
        key_id: str = "",
        secret: str = "",
        daily_quota: int = 10_000,
        rate_per_second: int = 10,
    ) -> Account:
        key_id = key_id or f"K{len(self.accounts) + 1:04d}{secrets.token_hex(4).upper()}"
        account = Account(
            key_id, secret or secrets.token_hex(32), courier, daily_quota, rate_per_second
        )
        self.accounts[key_id] = account
        return account

    def over_rate(self, account: Account) -> bool:
        """A sliding one-second window per account."""
        now = self.monotonic()
        window = self.recent.setdefault(account.key_id, deque())
        while window and now - window[0] >= 1.0:
            window.popleft()
        if len(window) >= account.rate_per_second:
            return True
        window.append(now)
        return False

    def today(self) -> date:
        return (self.now() + KST).date()

    def quota_left(self, account: Account) -> int:
        return account.daily_quota - self.issued.get((account.key_id, self.today()), 0)

    def book(self, account: Account, reference: str, sorting: Sorting) -> Parcel:
        """The parcel for this reference: booked once, the same number on every repeat."""
        found = self.parcels.get((account.key_id, reference))
        if found is not None:
            return found
        # each seed starts its own stretch of the range, so two simulators never collide
        serial = self.serials.get(account.courier, (self.seed % 1000) * 1_000_000)
        self.serials[account.courier] = serial + 1
        number = numbers.issue(account.courier, serial)
        parcel = Parcel(account.key_id, reference, number, sorting, "", self.now())
        parcel.move("INFORMATION_RECEIVED", parcel.updated_at)
        self.parcels[(account.key_id, reference)] = parcel
        self.by_number[number] = parcel
        day = (account.key_id, self.today())
        self.issued[day] = self.issued.get(day, 0) + 1
        return parcel

    def hand_over(self, account: Account, number: str, status: str) -> Parcel | None:
        """A number from the shipper's own band (대역) becomes known to the courier, as a pickup
        scan makes it known in real life. None when another account's parcel has that number;
        a repeat for the same account changes nothing."""
        found = self.by_number.get(number)
        if found is not None:
            return found if found.account == account.key_id else None
        parcel = Parcel(account.key_id, f"handover:{number}", number, None, "", self.now())
        parcel.move(status, parcel.updated_at)
        self.parcels[(account.key_id, parcel.reference)] = parcel
        self.by_number[number] = parcel
        self._changed(parcel)
        return parcel

    def tick(self) -> int:
        """Automatic progression: every parcel whose last move is a step old moves on."""
        if self.progress_step is None:
            return 0
        now = self.now()
        moving = STATUSES[1:-1] if self.progress_after_pickup else STATUSES[:-1]
        moved = 0
        for parcel in list(self.by_number.values()):
            if parcel.status in moving and now - parcel.updated_at >= self.progress_step:
                self.advance(parcel.tracking_number)
                moved += 1
        return moved

    def _changed(self, parcel: Parcel) -> None:
        if self.on_change is not None:
            self.on_change(parcel)

    def advance(self, number: str, status: str | None = None) -> Parcel | None:
        parcel = self.by_number.get(number)
        if parcel is None:
            return None
        if status is None:
            at = STATUSES.index(parcel.status) if parcel.status in STATUSES else 0
            status = STATUSES[min(at + 1, len(STATUSES) - 1)]
        parcel.move(status, self.now())
        self._changed(parcel)
        return parcel
