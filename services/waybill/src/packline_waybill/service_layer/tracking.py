"""Delivery tracking (배송추적) use cases: parcels scanned out (Shipped) are followed through
their courier's tracking API when the account has API access. Due parcels are leased, polled
per account in calls of up to 100 numbers paced within the courier's rate limit, and saved; a
failed call backs its parcels off; a delivered parcel is polled no more. A courier webhook only
marks its number for an immediate poll."""

import asyncio
import logging
from collections import defaultdict
from collections.abc import Callable, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from packline_contracts import Shipped, utcnow
from packline_runtime.secret_box import SecretBox, SecretError
from packline_runtime.unit_of_work import UnitOfWork
from packline_waybill.adapters import tracking as store
from packline_waybill.adapters.courier_http import CourierApiError, CourierCredentials
from packline_waybill.adapters.courier_tracking import CourierTracker, Tracked
from packline_waybill.domain.endpoints import UnsafeCourierUrl
from packline_waybill.domain.tracking import ParcelTracking, Scan, TrackingState
from packline_waybill.service_layer import accounts as account_repo

log = logging.getLogger(__name__)

LEASE = timedelta(seconds=120)
PER_CALL = 100

# Opens the courier's tracking for an account; raises UnsafeCourierUrl for a host it may not call.
TrackerFactory = Callable[[CourierCredentials], CourierTracker]


@dataclass(frozen=True)
class TrackingPolicy:
    pickup_deadline: timedelta = timedelta(hours=24)  # PACKLINE_PICKUP_DEADLINE_HOURS
    poll_every: timedelta = timedelta(minutes=15)  # a followed parcel's next poll
    calls_per_second: float = 5.0  # per courier account, under the courier's limit (10/s)
    batch_size: int = 500  # parcels leased per round
    clock: Callable[[], datetime] = utcnow  # tests move it


class Transactions(Protocol):
    def unit_of_work(self) -> AbstractAsyncContextManager[UnitOfWork]: ...


async def record_shipped(uow: UnitOfWork, events: Sequence[Shipped], now: datetime) -> int:
    """Parcels scanned out start being tracked (a replayed Shipped changes nothing). A Shipped
    for a parcel this service never made is logged and skipped."""
    if not events:
        return 0
    known = await store.shipped_parcels(uow.conn, [e.parcel_id for e in events])
    new: list[ParcelTracking] = []
    for event in events:
        parcel = known.get(event.parcel_id)
        if parcel is None or parcel.seller_id != event.seller_id:
            log.warning("Shipped for parcel %s that has no waybill here", event.parcel_id)
            continue
        new.append(
            ParcelTracking.shipped(
                event.parcel_id,
                event.seller_id,
                parcel.account_id,
                parcel.has_api,
                event.courier_code,
                event.tracking_number,
                event.shipped_at,
                now,
            )
        )
    return await store.insert(uow.conn, new)


async def poll_due(
    runtime: Transactions, box: SecretBox | None, tracker: TrackerFactory, policy: TrackingPolicy
) -> int:
    """One round: poll what is due; returns how many parcels were polled."""
    now = policy.clock()
    async with runtime.unit_of_work() as uow:
        due = await store.lease_due(uow.conn, now, policy.batch_size, LEASE)
        credentials: dict[int, CourierCredentials | SecretError | None] = {}
        for seller_id, account_id in sorted(
            {(p.seller_id, p.account_id) for p in due if p.account_id is not None}
        ):
            try:
                account = await account_repo.opened(uow.conn, seller_id, account_id, box)
            except SecretError as exc:  # one account's secret must not stop the others
                log.error("courier account %s: its API secret does not open: %s", account_id, exc)
                credentials[account_id] = exc
                continue
            api = account.api if account else None
            credentials[account_id] = (
                CourierCredentials(api.base_url, api.key_id, api.secret or "") if api else None
            )
    if not due:
        return 0
    by_account: dict[int | None, list[ParcelTracking]] = defaultdict(list)
    for parcel in due:
        by_account[parcel.account_id].append(parcel)
    answers: dict[str, Tracked] = {}
    failures: dict[str, CourierApiError] = {}
    for group, parcels in by_account.items():
        found = credentials.get(group) if group is not None else None
        numbers = [p.tracking_number for p in parcels]
        if found is None:
            failures.update(dict.fromkeys(numbers, _no_api()))
            continue
        if isinstance(found, SecretError):
            unreadable = CourierApiError("SECRET_UNREADABLE", str(found), retryable=True)
            failures.update(dict.fromkeys(numbers, unreadable))
            continue
        answered, failed = await _poll_account(tracker, found, numbers, policy.calls_per_second)
        answers.update(answered)
        failures.update(failed)
    await _apply(runtime, due, answers, failures, policy)
    return len(due)


async def _poll_account(
    tracker: TrackerFactory, credentials: CourierCredentials, numbers: list[str], rate: float
) -> tuple[dict[str, Tracked], dict[str, CourierApiError]]:
    """Calls of up to 100 numbers, at most `rate` a second. A refused or rate-limited call
    (past the transport's retries, which honour Retry-After) ends this account's round: its
    remaining numbers back off too, rather than pressing a courier that asked us to wait."""
    answers: dict[str, Tracked] = {}
    failures: dict[str, CourierApiError] = {}
    try:
        client = tracker(credentials)
    except UnsafeCourierUrl as exc:
        error = CourierApiError("UNSAFE_BASE_URL", str(exc), retryable=False)
        return answers, dict.fromkeys(numbers, error)
    async with client:
        for start in range(0, len(numbers), PER_CALL):
            chunk = numbers[start : start + PER_CALL]
            if start:
                await asyncio.sleep(1.0 / rate)
            try:
                answers.update(await client.track(chunk))
            except CourierApiError as error:
                failures.update(dict.fromkeys(numbers[start:], error))
                log.warning("tracking %d number(s) failed: %s", len(numbers) - start, error.code)
                break
    return answers, failures


def _no_api() -> CourierApiError:
    return CourierApiError(
        "NO_API_ACCESS", "the parcel's courier account has no API access now", retryable=False
    )


def _scans(tracked: Tracked) -> list[Scan]:
    scans = []
    for s in tracked.scans:
        status = TrackingState.of(s.status)
        if status is None:
            log.info("scan status %r of the courier is not in the vocabulary; skipped", s.status)
            continue
        scans.append(Scan(status, s.at, s.text, s.location))
    return scans


async def _apply(
    runtime: Transactions,
    due: list[ParcelTracking],
    answers: dict[str, Tracked],
    failures: dict[str, CourierApiError],
    policy: TrackingPolicy,
) -> None:
    now = policy.clock()
    async with runtime.unit_of_work() as uow:
        parcels = await store.lock(uow.conn, [p.parcel_id for p in due])
        for parcel in parcels:
            answer = answers.get(parcel.tracking_number)
            failure = failures.get(parcel.tracking_number)
            if failure is not None:
                parcel.poll_failed(failure.code, failure.message, now)
            elif answer is None or answer.error_code == "MISSING_FROM_ANSWER":
                parcel.poll_failed("MALFORMED_RESPONSE", "the answer left this number out", now)
            elif answer.error_code == "NOT_FOUND" or answer.status is None:
                parcel.not_known_yet(now, policy.poll_every)
            else:
                parcel.observe(
                    _scans(answer),
                    TrackingState.of(answer.status),
                    answer.updated_at,
                    now,
                    policy.poll_every,
                )
        await store.save(uow.conn, parcels, now)
