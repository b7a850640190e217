"""The courier API over HTTP (the ASGI app through httpx): signatures, booking, addresses,
tracking, rate limit, quota and scripted faults, with the API's own error bodies."""

import json
import time
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from packline_couriersim.app import create_app
from packline_couriersim.auth import signature
from packline_couriersim.state import Account, Simulator

SEOUL = {"postcode": "06236", "address": "서울특별시 강남구 테헤란로 152, 12층"}
BUSAN = {"postcode": "48058", "address": "부산광역시 해운대구 센텀중앙로 79"}


def _parcel(reference: str, where: dict[str, str] = SEOUL) -> dict[str, Any]:
    return {
        "reference": reference,
        "sender": {"name": "팩라인상사", "phone": "02-123-4567", "address": "경기 광주시 1"},
        "recipient": {"name": "김민지", "phone": "010-1234-5678", **where},
        "items": [{"name": "양말 3족", "quantity": 2}],
        "box": None,
        "message": None,
    }


class Courier:
    """A signing client for one account."""

    def __init__(self, http: httpx.AsyncClient, account: Account) -> None:
        self.http = http
        self.account = account

    async def call(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        secret: str | None = None,
        at: float | None = None,
    ) -> httpx.Response:
        raw = json.dumps(body).encode() if body is not None else b""
        timestamp = str(int(at if at is not None else time.time()))
        sig = signature(secret or self.account.secret, timestamp, method, path, raw)
        auth = f"HMAC-SHA256 key-id={self.account.key_id}, timestamp={timestamp}, signature={sig}"
        headers = {"Authorization": auth, "Content-Type": "application/json"}
        return await self.http.request(method, path, content=raw, headers=headers)


@pytest.fixture
async def sim() -> Simulator:
    return Simulator(seed=7)


@pytest.fixture
async def http(sim: Simulator) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=create_app(sim))
    async with httpx.AsyncClient(transport=transport, base_url="http://couriersim") as client:
        yield client


async def test_booking_is_idempotent_on_reference_and_numbers_follow_the_courier(
    sim: Simulator, http: httpx.AsyncClient
) -> None:
    made = await http.post("/_sim/accounts", json={"courier": "HYUNDAI"})
    assert made.status_code == 201
    courier = Courier(http, sim.accounts[made.json()["key_id"]])
    first = await courier.call("POST", "/api/v1/print-wbls", {"parcels": [_parcel("B-1")]})
    again = await courier.call(
        "POST", "/api/v1/print-wbls", {"parcels": [_parcel("B-1"), _parcel("B-2", BUSAN)]}
    )
    assert first.status_code == again.status_code == 200
    one, two = again.json()["results"]
    assert one == first.json()["results"][0]
    number = one["tracking_number"]
    assert len(number) == 12 and int(number[-1]) == int(number[:11]) % 7  # 롯데 mod 7
    assert two["tracking_number"] != number and two["error"] is None
    assert one["sorting"]["terminal"] == "T01" and two["sorting"]["terminal"] == "T46"

    changed = await http.patch(
        f"/_sim/accounts/{courier.account.key_id}", json={"courier": "CJGLS"}
    )
    assert changed.json()["courier"] == "CJGLS"
    cj = await courier.call("POST", "/api/v1/print-wbls", {"parcels": [_parcel("B-3")]})
    cj_number = cj.json()["results"][0]["tracking_number"]
    assert int(cj_number[-1]) == int(cj_number[2:11]) % 7


async def test_a_rejected_or_unknown_address_fails_only_that_parcel(
    sim: Simulator, http: httpx.AsyncClient
) -> None:
    courier = Courier(http, sim.add_account("HANJIN"))
    await http.post("/_sim/rejections", json={"addresses": [BUSAN["address"]]})
    unknown = {"postcode": "99999", "address": "어딘가 1"}
    answer = await courier.call(
        "POST",
        "/api/v1/print-wbls",
        {"parcels": [_parcel("R-1"), _parcel("R-2", BUSAN), _parcel("R-3", unknown)]},
    )
    ok, rejected, missing = answer.json()["results"]
    assert ok["tracking_number"] and ok["error"] is None
    assert rejected["tracking_number"] is None and rejected["sorting"] is None
    assert rejected["error"]["code"] == "ADDRESS_REJECTED"
    assert missing["error"]["code"] == "UNKNOWN_POSTCODE"

    sorted_ = await courier.call(
        "POST", "/api/v1/addresses/sort-codes", {"addresses": [SEOUL, BUSAN]}
    )
    seoul, busan = sorted_.json()["results"]
    assert seoul["ok"] and seoul["sort_code"] and seoul["error"] is None
    assert not busan["ok"] and busan["error"]["code"] == "ADDRESS_REJECTED"


async def test_signature_errors_are_401_with_the_apis_error_body(
    sim: Simulator, http: httpx.AsyncClient
) -> None:
    courier = Courier(http, sim.add_account("HANJIN"))
    body = {"numbers": ["123456789012"]}
    wrong = await courier.call("POST", "/api/v1/tracking", body, secret="not-the-secret")
    assert wrong.status_code == 401
    assert wrong.json() == {
        "code": "UNAUTHORIZED",
        "message": "서명(signature)이 일치하지 않습니다.",
    }
    skewed = await courier.call("POST", "/api/v1/tracking", body, at=time.time() - 6 * 60)
    assert skewed.status_code == 401 and "5분" in skewed.json()["message"]
    bare = await http.post("/api/v1/tracking", json=body)
    assert bare.status_code == 401 and bare.json()["code"] == "UNAUTHORIZED"
    far = f"HMAC-SHA256 key-id={courier.account.key_id}, timestamp={'9' * 30}, signature=00"
    overflow = await http.post("/api/v1/tracking", json=body, headers={"Authorization": far})
    assert overflow.status_code == 401 and "5분" in overflow.json()["message"]
    fine = await courier.call("POST", "/api/v1/tracking", body, at=time.time() - 4 * 60)
    assert fine.status_code == 200
    assert fine.json()["results"][0]["error"]["code"] == "NOT_FOUND"


async def test_bad_input_is_400_with_a_specific_message(
    sim: Simulator, http: httpx.AsyncClient
) -> None:
    courier = Courier(http, sim.add_account("HANJIN"))
    too_many = {"parcels": [_parcel(f"P-{i}") for i in range(101)]}
    answer = await courier.call("POST", "/api/v1/print-wbls", too_many)
    assert answer.status_code == 400 and answer.json()["code"] == "INVALID_REQUEST"
    assert "parcels" in answer.json()["message"]
    no_phone = _parcel("P-1")
    del no_phone["recipient"]["phone"]
    answer = await courier.call("POST", "/api/v1/print-wbls", {"parcels": [no_phone]})
    assert answer.status_code == 400 and "recipient.phone" in answer.json()["message"]
    assert not sim.parcels


async def test_the_daily_quota_refuses_new_numbers_but_not_repeats(
    sim: Simulator, http: httpx.AsyncClient
) -> None:
    courier = Courier(http, sim.add_account("HANJIN", daily_quota=2))
    booked = await courier.call(
        "POST", "/api/v1/print-wbls", {"parcels": [_parcel("Q-1"), _parcel("Q-2")]}
    )
    assert booked.status_code == 200
    refused = await courier.call("POST", "/api/v1/print-wbls", {"parcels": [_parcel("Q-3")]})
    assert refused.status_code == 403
    assert refused.json()["code"] == "QUOTA_EXCEEDED" and "Retry-After" not in refused.headers
    repeat = await courier.call("POST", "/api/v1/print-wbls", {"parcels": [_parcel("Q-1")]})
    assert repeat.status_code == 200


async def test_more_than_the_rate_limit_in_a_second_is_429_with_retry_after(
    sim: Simulator, http: httpx.AsyncClient
) -> None:
    courier = Courier(http, sim.add_account("HANJIN", rate_per_second=3))
    clock = [100.0]
    sim.monotonic = lambda: clock[0]
    statuses = []
    for _ in range(4):
        answer = await courier.call("POST", "/api/v1/tracking", {"numbers": ["1"]})
        statuses.append(answer.status_code)
    assert statuses == [200, 200, 200, 429]
    assert answer.headers["Retry-After"] == "1" and answer.json()["code"] == "RATE_LIMITED"
    clock[0] += 1.0
    later = await courier.call("POST", "/api/v1/tracking", {"numbers": ["1"]})
    assert later.status_code == 200


async def test_scripted_faults_fire_on_the_next_calls_only(
    sim: Simulator, http: httpx.AsyncClient
) -> None:
    courier = Courier(http, sim.add_account("HANJIN"))
    rules = [
        {"action": "server_error", "operation": "book", "times": 2},
        {"action": "rate_limit", "operation": "track", "retry_after": 7},
        {"action": "quota_exceeded", "operation": "address"},
    ]
    assert (await http.post("/_sim/script", json={"rules": rules})).json() == {"pending": 3}
    book = {"parcels": [_parcel("F-1")]}
    first = await courier.call("POST", "/api/v1/print-wbls", book)
    second = await courier.call("POST", "/api/v1/print-wbls", book)
    third = await courier.call("POST", "/api/v1/print-wbls", book)
    assert [first.status_code, second.status_code, third.status_code] == [503, 503, 200]
    assert first.json()["code"] == "SYSTEM_ERROR"
    limited = await courier.call("POST", "/api/v1/tracking", {"numbers": ["1"]})
    assert limited.status_code == 429 and limited.headers["Retry-After"] == "7"
    quota = await courier.call("POST", "/api/v1/addresses/sort-codes", {"addresses": [SEOUL]})
    assert quota.status_code == 403 and quota.json()["code"] == "QUOTA_EXCEEDED"
    calls = (await http.get("/_sim/calls", params={"operation": "book"})).json()
    assert [c["status"] for c in calls] == [503, 503, 200]


async def test_tracking_follows_the_admin_advancing_a_parcel(
    sim: Simulator, http: httpx.AsyncClient
) -> None:
    courier = Courier(http, sim.add_account("HANJIN"))
    booked = await courier.call("POST", "/api/v1/print-wbls", {"parcels": [_parcel("T-1")]})
    number = booked.json()["results"][0]["tracking_number"]
    tracked = await courier.call("GET", f"/api/v1/tracking/{number}")
    assert tracked.json()["status"] == "INFORMATION_RECEIVED"
    assert (await http.post(f"/_sim/parcels/{number}/advance")).json()["status"] == "AT_PICKUP"
    delivered = await http.post(f"/_sim/parcels/{number}/advance", json={"status": "DELIVERED"})
    assert delivered.json()["status"] == "DELIVERED"
    many = await courier.call("POST", "/api/v1/tracking", {"numbers": [number, "000"]})
    found, unknown = many.json()["results"]
    assert (found["status"], found["status_text"]) == ("DELIVERED", "배송완료")
    assert unknown["status"] is None and unknown["error"]["code"] == "NOT_FOUND"
    missing = await courier.call("GET", "/api/v1/tracking/000")
    assert missing.status_code == 404 and missing.json()["code"] == "NOT_FOUND"
    bad = await http.post(f"/_sim/parcels/{number}/advance", json={"status": "LOST"})
    assert bad.status_code == 422
