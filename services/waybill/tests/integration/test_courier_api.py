"""The courier adapter against the courier simulator over real HTTP (uvicorn on a free loopback
port): retries, timeouts, a rejected address, Retry-After, the daily quota, a wrong secret and a
malformed answer."""

import logging
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import httpx
import pytest

from packline_couriersim.script import Rule
from packline_couriersim.server import RunningSimulator, running
from packline_couriersim.state import Account, Simulator
from packline_waybill.adapters.courier_api import (
    Booked,
    BookingFailed,
    BookingRequest,
    CourierApi,
    CourierApiError,
    CourierCredentials,
    RetryPolicy,
    SortingCodes,
)

FAST = RetryPolicy(attempts=3, backoff_seconds=0.05, max_backoff_seconds=0.2)
NAME, PHONE, STREET = "김민지", "010-1234-5678", "서울특별시 강남구 테헤란로 152"


def _parcel(reference: str, address: str = STREET, postcode: str = "06236") -> BookingRequest:
    return BookingRequest(
        reference=reference,
        recipient_name=NAME,
        recipient_phone=PHONE,
        postcode=postcode,
        address=address,
        items=(("양말 3족", 2),),
        sender_name="팩라인상사",
        sender_phone="02-123-4567",
        sender_address="경기도 광주시 오포읍 1",
        message=None,
    )


@pytest.fixture
async def courier() -> AsyncIterator[RunningSimulator]:
    async with running(Simulator(seed=3)) as server:
        yield server


def _api(server: RunningSimulator, account: Account, **kwargs: Any) -> CourierApi:
    credentials = CourierCredentials(server.url, account.key_id, account.secret)
    return CourierApi(credentials, retry=kwargs.pop("retry", FAST), **kwargs)


def _statuses(server: RunningSimulator, operation: str = "book") -> list[int]:
    return [c.status for c in server.sim.calls if c.operation == operation]


async def test_a_server_error_is_retried_and_the_parcels_are_booked(
    courier: RunningSimulator, caplog: pytest.LogCaptureFixture
) -> None:
    account = courier.sim.add_account("HYUNDAI")
    courier.sim.script.add([Rule(action="server_error", operation="book", status=502)])
    caplog.set_level(logging.DEBUG)
    async with _api(courier, account) as api:
        results = await api.book([_parcel("W-1"), _parcel("W-2")])
    assert [type(r) for r in results] == [Booked, Booked]
    first = results[0]
    assert isinstance(first, Booked) and first.reference == "W-1"
    assert int(first.tracking_number[-1]) == int(first.tracking_number[:11]) % 7  # 롯데
    assert isinstance(first.sorting, SortingCodes) and first.sorting.terminal == "T01"
    assert _statuses(courier) == [502, 200]
    assert "SERVER_ERROR" in caplog.text
    for secret in (NAME, PHONE, STREET, "01012345678"):
        assert secret not in caplog.text


async def test_a_slow_answer_is_retried_and_a_persistent_one_fails_clearly(
    courier: RunningSimulator,
) -> None:
    account = courier.sim.add_account("HANJIN")
    courier.sim.script.add([Rule(action="slow", operation="book", delay_seconds=1.0)])
    async with _api(courier, account, timeout_seconds=0.3) as api:
        (once,) = await api.book([_parcel("S-1")])
        assert isinstance(once, Booked)
        # the slow call still booked S-1: the retry got the same number, not a second one
        assert [p.tracking_number for p in courier.sim.parcels.values()] == [once.tracking_number]

        courier.sim.script.add([Rule(action="slow", operation="book", delay_seconds=1.0, times=3)])
        (failed,) = await api.book([_parcel("S-2")])
    assert isinstance(failed, BookingFailed)
    assert (failed.code, failed.retryable) == ("TIMEOUT", True)
    assert "did not answer /api/v1/print-wbls within 0.3s (3 tries)" in failed.message


async def test_a_rejected_address_fails_only_that_parcel(courier: RunningSimulator) -> None:
    account = courier.sim.add_account("CJGLS")
    courier.sim.rejected_addresses.add("부산광역시해운대구센텀중앙로79")
    parcels = [
        _parcel("A-1"),
        _parcel("A-2", "부산광역시 해운대구 센텀중앙로 79", "48058"),
        _parcel("A-3", "대구광역시 중구 동성로 1", "41911"),
    ]
    async with _api(courier, account) as api:
        booked, rejected, other = await api.book(parcels)
        codes = await api.sorting_codes([("06236", STREET), ("99999", "어딘가 1")])
    assert isinstance(booked, Booked) and isinstance(other, Booked)
    assert isinstance(rejected, BookingFailed)
    assert (rejected.reference, rejected.code, rejected.retryable) == (
        "A-2",
        "ADDRESS_REJECTED",
        False,
    )
    assert "배송 불가" in rejected.message
    assert isinstance(codes[0], SortingCodes) and codes[0].sort_code
    assert isinstance(codes[1], BookingFailed)
    assert (codes[1].reference, codes[1].code) == ("1", "UNKNOWN_POSTCODE")


async def test_rate_limited_calls_wait_for_retry_after(courier: RunningSimulator) -> None:
    account = courier.sim.add_account("HANJIN")
    courier.sim.script.add([Rule(action="rate_limit", operation="book", retry_after=1)])
    async with _api(courier, account) as api:
        (result,) = await api.book([_parcel("L-1")])
    assert isinstance(result, Booked)
    limited, retried = (c for c in courier.sim.calls if c.operation == "book")
    assert (limited.status, retried.status) == (429, 200)
    # the retry came after the Retry-After second, not after the 0.05s backoff
    assert retried.at - limited.at >= timedelta(seconds=0.9)


async def test_an_exhausted_quota_fails_every_parcel_of_the_call_without_retrying(
    courier: RunningSimulator,
) -> None:
    account = courier.sim.add_account("HANJIN", daily_quota=1)
    async with _api(courier, account) as api:
        results = await api.book([_parcel("Q-1"), _parcel("Q-2")])
    assert all(isinstance(r, BookingFailed) for r in results)
    assert {(r.code, r.retryable) for r in results if isinstance(r, BookingFailed)} == {
        ("QUOTA_EXCEEDED", False)
    }
    assert "daily booking quota is used up" in str(results[0])
    assert _statuses(courier) == [403]


async def test_a_wrong_secret_is_a_clear_unauthorised_failure(courier: RunningSimulator) -> None:
    account = courier.sim.add_account("HANJIN")
    credentials = CourierCredentials(courier.url, account.key_id, "not-the-secret")
    async with CourierApi(credentials, retry=FAST) as api:
        (result,) = await api.book([_parcel("U-1")])
        with pytest.raises(CourierApiError) as tracking:
            await api.track(["123456789012"])
    assert isinstance(result, BookingFailed)
    assert (result.code, result.retryable) == ("UNAUTHORIZED", False)
    assert "key id and secret" in result.message and "401" in result.message
    assert tracking.value.code == "UNAUTHORIZED"
    assert _statuses(courier) == [401]
    assert not courier.sim.parcels


async def test_a_malformed_answer_is_a_failure_not_a_crash(courier: RunningSimulator) -> None:
    account = courier.sim.add_account("HANJIN")
    courier.sim.script.add([Rule(action="malformed", operation="book")])
    async with _api(courier, account) as api:
        (result,) = await api.book([_parcel("M-1")])
        (again,) = await api.book([_parcel("M-1")])
    assert isinstance(result, BookingFailed)
    assert (result.code, result.retryable) == ("MALFORMED_RESPONSE", True)
    assert "does not have its documented shape (results.0" in result.message
    assert isinstance(again, Booked)  # booking again is safe: same reference, one number


async def test_150_parcels_go_in_two_calls_and_tracking_reads_their_statuses(
    courier: RunningSimulator,
) -> None:
    account = courier.sim.add_account("HANJIN")
    async with httpx.AsyncClient() as client:
        api = _api(courier, account, client=client)
        results = await api.book([_parcel(f"N-{i}") for i in range(150)])
        numbers = [r.tracking_number for r in results if isinstance(r, Booked)]
        assert len(set(numbers)) == 150
        courier.sim.advance(numbers[0], "DELIVERED")
        statuses = await api.track([numbers[0], numbers[149], "000000000"])
        await api.aclose()
        assert not client.is_closed  # a client passed in stays the caller's
    assert _statuses(courier) == [200, 200]
    assert statuses == {
        numbers[0]: "DELIVERED",
        numbers[149]: "INFORMATION_RECEIVED",
        "000000000": "UNKNOWN",
    }


async def test_an_unreachable_courier_is_a_retryable_failure() -> None:
    async with running(Simulator()) as server:
        url = server.url  # the port is free again once the server stops
    api = CourierApi(CourierCredentials(url, "K", "S"), retry=FAST)
    async with api:
        (result,) = await api.book([_parcel("X-1")])
    assert isinstance(result, BookingFailed)
    assert (result.code, result.retryable) == ("UNREACHABLE", True)
