"""Courier API numbers (method API): parcels due for booking are leased, booked with the
courier in chunks, then numbered (WaybillIssued, issued via API) or marked with the courier's
per-parcel error. Retryable failures are tried again with backoff; the rest wait for a person
(who fixes the address or the quota and asks to book again)."""

import logging
import uuid
from collections import defaultdict
from collections.abc import Callable, Sequence
from contextlib import AbstractAsyncContextManager
from datetime import datetime, timedelta
from typing import Any, Protocol

from packline_contracts import OrderRecipientChanged, Recipient, WaybillIssued, utcnow
from packline_runtime import recipient_changes
from packline_runtime.secret_box import SecretBox
from packline_runtime.unit_of_work import UnitOfWork
from packline_waybill.adapters import bookings, parcel_changes
from packline_waybill.adapters import repository as repo
from packline_waybill.adapters.courier_api import (
    Booked,
    BookingFailed,
    BookingRequest,
    CourierApi,
    CourierCredentials,
)
from packline_waybill.domain.accounts import CourierAccount
from packline_waybill.domain.accounts import Sender as AccountSender
from packline_waybill.domain.endpoints import UnsafeCourierUrl
from packline_waybill.domain.waybill import waybill_issued
from packline_waybill.service_layer import accounts as account_repo
from packline_waybill.service_layer.parcels import items_of, live_members, recipient_of

log = logging.getLogger(__name__)

LEASE = timedelta(seconds=60)
MAX_BACKOFF = timedelta(minutes=30)
CHUNK = 100

# Opens the courier's API for an account; raises UnsafeCourierUrl for a host it may not call.
ApiFactory = Callable[[CourierCredentials], CourierApi]


class Transactions(Protocol):
    def unit_of_work(self) -> AbstractAsyncContextManager[UnitOfWork]: ...


def backoff(attempts: int) -> timedelta:
    return min(MAX_BACKOFF, timedelta(seconds=2 ** min(attempts, 11)))


async def book_due(runtime: Transactions, box: SecretBox | None, api: ApiFactory) -> int:
    """Book what is due; returns how many parcels got a number."""
    async with runtime.unit_of_work() as uow:
        due = await bookings.due_bookings(uow.conn, CHUNK, LEASE)
        accounts: dict[int, CourierAccount | None] = {}
        for seller_id, account_id in sorted(
            {(p.waybill.seller_id, p.account_id) for p in due if p.account_id is not None}
        ):
            accounts[account_id] = await account_repo.opened(uow.conn, seller_id, account_id, box)
        changes = await recipient_changes.changes_for(
            uow.conn, [m.order.uid for p in due for m in live_members(p)]
        )
    if not due:
        return 0
    groups: dict[int | None, list[repo.ParcelRecord]] = defaultdict(list)
    for parcel in due:
        groups[parcel.account_id].append(parcel)
    outcomes: dict[str, Booked | BookingFailed] = {}
    for group_id, parcels in groups.items():
        account = accounts.get(group_id) if group_id is not None else None
        if account is None or account.api is None:
            for p in parcels:
                outcomes[p.reference] = BookingFailed(
                    p.reference,
                    "NO_API_ACCESS",
                    "the parcel's courier account has no API access; add it or change the "
                    "account's method",
                    retryable=False,
                )
            continue
        requests = [
            _request(p, recipient_of(p, changes), items_of(p), account.sender) for p in parcels
        ]
        credentials = CourierCredentials(
            account.api.base_url, account.api.key_id, account.api.secret or ""
        )
        try:
            client = api(credentials)
        except UnsafeCourierUrl as exc:  # stored before the policy, or the policy tightened
            for p in parcels:
                outcomes[p.reference] = BookingFailed(
                    p.reference, "UNSAFE_BASE_URL", str(exc), retryable=False
                )
            continue
        async with client:
            for result in await client.book(requests):
                outcomes[result.reference] = result
    return await _apply(runtime, due, outcomes, changes)


def _request(
    parcel: repo.ParcelRecord,
    recipient: Recipient,
    items: tuple[tuple[str, int], ...],
    sender: AccountSender,
) -> BookingRequest:
    return BookingRequest(
        reference=parcel.reference,
        recipient_name=recipient.name,
        recipient_phone=recipient.mobile or recipient.phone,
        postcode=recipient.postcode,
        address=f"{recipient.address1} {recipient.address2}".strip(),
        items=items,
        sender_name=sender.name,
        sender_phone=sender.phone,
        sender_address=sender.address,
        message=recipient.message or None,
    )


async def _apply(
    runtime: Transactions,
    due: list[repo.ParcelRecord],
    outcomes: dict[str, Booked | BookingFailed],
    changes: Sequence[OrderRecipientChanged],
) -> int:
    now = utcnow()
    async with runtime.unit_of_work() as uow:
        current = {
            p.parcel_id: p
            for p in await repo.lock_parcels_any(uow.conn, [p.parcel_id for p in due])
        }
        numbered: list[parcel_changes.Numbered] = []
        failures: dict[uuid.UUID, tuple[dict[str, Any], datetime | None]] = {}
        for leased in due:
            parcel = current.get(leased.parcel_id)
            result = outcomes.get(leased.reference)
            if parcel is None or result is None:
                continue
            if parcel.waybill.status != "AWAITING" or parcel.reference != leased.reference:
                if isinstance(result, Booked):  # cancelled or re-addressed meanwhile
                    await parcel_changes.record_unused_number(
                        uow.conn, parcel, result.tracking_number
                    )
                continue
            if isinstance(result, BookingFailed):
                retry_at = now + backoff(parcel.booking_attempts) if result.retryable else None
                error = {
                    "code": result.code,
                    "message": result.message,
                    "retryable": result.retryable,
                    "at": now.isoformat(),
                }
                failures[parcel.parcel_id] = (error, retry_at)
                continue
            parcel.waybill.tracking_number = result.tracking_number
            issued: WaybillIssued = waybill_issued(
                parcel.allocation,
                parcel.waybill,
                live_members(parcel),
                recipient_of(parcel, changes),
                "API",
                parcel.pre_shipment_push,
            )
            sorting = {
                "sort_code": result.sorting.sort_code,
                "terminal": result.sorting.terminal,
                "branch": result.sorting.branch,
                "zone": result.sorting.zone,
            }
            numbered.append(
                parcel_changes.Numbered(
                    parcel.parcel_id, result.tracking_number, "API", issued, sorting
                )
            )
            uow.emit(issued)
        if numbered:
            await parcel_changes.set_numbers(uow.conn, numbered)
        if failures:
            await bookings.booking_failed(uow.conn, failures)
            log.warning("courier booking failed for %d parcel(s)", len(failures))
    return len(numbered)
