"""A courier's HTTP API (booking with number issue, address sorting codes, tracking) through one
httpx client: HMAC-signed calls, bounded retries, answers validated before they are believed.

Never logs recipients' names, phones or addresses: only paths, references, codes and counts.
"""

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from packline_waybill.adapters.courier_answers import (
    AddressAnswer,
    BookAnswer,
    SortingBody,
    TrackAnswer,
)
from packline_waybill.adapters.courier_http import (
    CourierApiError,
    CourierCredentials,
    CourierSession,
    RetryPolicy,
    validated,
)

__all__ = [
    "Booked",
    "BookingFailed",
    "BookingRequest",
    "CourierApi",
    "CourierApiError",
    "CourierCredentials",
    "RetryPolicy",
    "SortingCodes",
]

log = logging.getLogger(__name__)

BOOK_PATH = "/api/v1/print-wbls"
ADDRESS_PATH = "/api/v1/addresses/sort-codes"
TRACK_PATH = "/api/v1/tracking"
PER_CALL = 100  # the API takes at most 100 parcels, addresses or numbers a call
UNKNOWN = "UNKNOWN"  # tracker.delivery's status for a number the courier does not know

T = TypeVar("T")


@dataclass(frozen=True)
class SortingCodes:
    sort_code: str  # 분류코드, printed large and as a barcode on the label
    terminal: str | None
    branch: str | None
    zone: str | None


@dataclass(frozen=True)
class BookingRequest:
    reference: str  # ours; the courier answers the same number for the same reference
    recipient_name: str
    recipient_phone: str
    postcode: str
    address: str
    items: tuple[tuple[str, int], ...]  # (name, quantity)
    sender_name: str
    sender_phone: str
    sender_address: str
    message: str | None


@dataclass(frozen=True)
class Booked:
    reference: str
    tracking_number: str
    sorting: SortingCodes


@dataclass(frozen=True)
class BookingFailed:
    reference: str  # the parcel's reference; for sorting_codes, the address's position
    code: str
    message: str
    retryable: bool


def _chunks(items: Sequence[T]) -> list[Sequence[T]]:
    return [items[i : i + PER_CALL] for i in range(0, len(items), PER_CALL)]


def _sorting(body: SortingBody) -> SortingCodes:
    return SortingCodes(body.sort_code, body.terminal, body.branch, body.zone)


class CourierApi(CourierSession):
    """One courier account's API: booking, sorting codes, status. Use as
    `async with CourierApi(credentials) as api:`."""

    async def book(self, parcels: Sequence[BookingRequest]) -> list[Booked | BookingFailed]:
        """One result per parcel, in order. A failed call fails its parcels (at most 100), not
        the others; booking is idempotent on reference, so a retryable failure can be booked
        again safely."""
        results: list[Booked | BookingFailed] = []
        for chunk in _chunks(parcels):
            try:
                answer = await self._http.post(BOOK_PATH, {"parcels": [_parcel(p) for p in chunk]})
                booked = validated(BookAnswer, answer, BOOK_PATH)
            except CourierApiError as error:
                results.extend(
                    BookingFailed(p.reference, error.code, error.message, error.retryable)
                    for p in chunk
                )
                continue
            by_reference = {r.reference: r for r in booked.results}
            for parcel in chunk:
                found = by_reference.get(parcel.reference)
                if found is None:
                    results.append(
                        BookingFailed(
                            parcel.reference,
                            "MALFORMED_RESPONSE",
                            f"the courier's answer to {BOOK_PATH} left this parcel out",
                            retryable=True,
                        )
                    )
                elif found.error is not None:
                    results.append(
                        BookingFailed(
                            parcel.reference,
                            found.error.code,
                            f"the courier refused this parcel: {found.error.message}",
                            retryable=False,
                        )
                    )
                else:
                    assert found.tracking_number is not None and found.sorting is not None
                    results.append(
                        Booked(parcel.reference, found.tracking_number, _sorting(found.sorting))
                    )
        failed = sum(isinstance(r, BookingFailed) for r in results)
        log.info("booked %d parcels with the courier, %d failed", len(results) - failed, failed)
        return results

    async def sorting_codes(
        self, addresses: Sequence[tuple[str, str]]
    ) -> list[SortingCodes | BookingFailed]:
        """(postcode, address) → sorting codes, in order; a failure's reference is the
        address's position in `addresses`."""
        results: list[SortingCodes | BookingFailed] = []
        for start in range(0, len(addresses), PER_CALL):
            chunk = addresses[start : start + PER_CALL]
            body = {"addresses": [{"postcode": p, "address": a} for p, a in chunk]}
            try:
                answer = validated(
                    AddressAnswer, await self._http.post(ADDRESS_PATH, body), ADDRESS_PATH
                )
                by_index = {r.index: r for r in answer.results}
            except CourierApiError as error:
                results.extend(
                    BookingFailed(str(start + i), error.code, error.message, error.retryable)
                    for i in range(len(chunk))
                )
                continue
            for i in range(len(chunk)):
                found = by_index.get(i)
                reference = str(start + i)
                if found is None:
                    results.append(
                        BookingFailed(
                            reference,
                            "MALFORMED_RESPONSE",
                            f"the courier's answer to {ADDRESS_PATH} left this address out",
                            retryable=True,
                        )
                    )
                elif found.error is not None or found.sort_code is None:
                    code = found.error.code if found.error else "NO_SORT_CODE"
                    said = found.error.message if found.error else "no sort code"
                    results.append(
                        BookingFailed(
                            reference,
                            code,
                            f"the courier has no sorting codes for this address: {said}",
                            retryable=False,
                        )
                    )
                else:
                    results.append(
                        SortingCodes(found.sort_code, found.terminal, found.branch, found.zone)
                    )
        return results

    async def track(self, numbers: Sequence[str]) -> dict[str, str]:
        """Number → status in tracker.delivery's vocabulary (UNKNOWN when the courier does not
        know the number). Raises CourierApiError when a call fails."""
        statuses: dict[str, str] = {}
        for chunk in _chunks(numbers):
            answer = validated(
                TrackAnswer, await self._http.post(TRACK_PATH, {"numbers": list(chunk)}), TRACK_PATH
            )
            by_number = {_digits(r.tracking_number): r.status for r in answer.results}
            for number in chunk:
                statuses[number] = by_number.get(_digits(number)) or UNKNOWN
        return statuses


def _digits(number: str) -> str:
    return "".join(c for c in number if "0" <= c <= "9")


def _parcel(p: BookingRequest) -> dict[str, Any]:
    return {
        "reference": p.reference,
        "sender": {"name": p.sender_name, "phone": p.sender_phone, "address": p.sender_address},
        "recipient": {
            "name": p.recipient_name,
            "phone": p.recipient_phone,
            "postcode": p.postcode,
            "address": p.address,
        },
        "items": [{"name": name, "quantity": quantity} for name, quantity in p.items],
        "box": None,
        "message": p.message,
    }
