"""Band and courier-API numbers, separate invoices, labels, replaced numbers and 가배송, over
HTTP on real PostgreSQL; the courier API is the courier simulator on a real loopback port."""

from collections.abc import AsyncIterator
from typing import Any

import pytest

from packline_couriersim.script import Rule
from packline_couriersim.server import RunningSimulator, running
from packline_couriersim.state import Simulator

from .conftest import SELLER, Waybills, allocated, numbers_of, pdftotext


@pytest.fixture
async def courier() -> AsyncIterator[RunningSimulator]:
    async with running(Simulator(seed=5)) as server:
        yield server


async def _api_account(waybills: Waybills, courier: RunningSimulator, code: str = "HANJIN") -> int:
    sim_account = courier.sim.add_account(code)
    waybills.endpoints.allow(courier.url)  # as PACKLINE_COURIER_ALLOWED_HOSTS does
    account = await waybills.account(
        courier_code=code,
        method="API",
        api={"base_url": courier.url, "key_id": sim_account.key_id, "secret": sim_account.secret},
    )
    await waybills.make_default(account)
    return account


async def test_separate_invoices_give_each_order_its_own_parcel_and_number(
    waybills: Waybills,
) -> None:
    event = allocated(1, orders=3, separate=True)

    issued = await waybills.allocate(event)

    assert len(issued) == 3 and len(set(numbers_of(issued))) == 3
    assert {e.bundle_id for e in issued} == {event.bundle_id}
    assert len({e.parcel_id for e in issued}) == 3
    assert sorted(len(e.members) for e in issued) == [1, 1, 1]
    assert await waybills.allocate(event) == []  # a replay makes nothing


async def test_a_band_account_numbers_from_its_own_bands_and_marks_pre_shipment_push(
    waybills: Waybills,
) -> None:
    account = await waybills.account(courier_code="HYUNDAI", method="BAND")
    answer = await waybills.http.post(
        f"/courier-accounts/{account}/bands",
        params={"seller_id": SELLER},
        json={"start": 41_000_000_000, "end": 41_000_000_009, "by": "kim"},
    )
    assert answer.status_code == 201, answer.text
    await waybills.make_default(account, pre_shipment_push=True)

    [issued] = await waybills.allocate(allocated(1))

    assert issued.tracking_number.startswith("41000000000")
    assert (issued.issued_via, issued.pre_shipment_push, issued.courier_code) == (
        "BAND",
        True,
        "HYUNDAI",
    )


async def test_the_courier_api_books_past_a_5xx_and_a_rejected_address_waits_for_a_person(
    waybills: Waybills, courier: RunningSimulator
) -> None:
    await _api_account(waybills, courier)
    courier.sim.script.add([Rule(action="server_error", operation="book", status=502)])
    courier.sim.rejected_postcodes.add("48094")
    assert await waybills.allocate(allocated(1), allocated(2), allocated(3, postcode="48094")) == []

    assert await waybills.book() == 2

    issued = await waybills.emitted()
    assert len(issued) == 2 and {e.issued_via for e in issued} == {"API"}
    [waiting] = await waybills.parcels("AWAITING")
    assert waiting["booking_error"]["retryable"] is False
    assert waiting["booking_error"]["code"]
    assert await waybills.book() == 0  # a person must act; nothing is retried meanwhile
    courier.sim.rejected_postcodes.clear()
    answer = await waybills.http.post("/bookings/retry", json={"seller_id": SELLER})
    assert answer.json() == {"scheduled": 1}
    assert await waybills.book() == 1, (await waybills.parcels("AWAITING"))[0]["booking_error"]
    assert len(await waybills.emitted()) == 3
    assert await waybills.parcels("AWAITING") == []


async def test_a_courier_that_times_out_is_tried_again_later(
    waybills: Waybills, courier: RunningSimulator
) -> None:
    waybills.timeout = 0.3
    await _api_account(waybills, courier)
    courier.sim.script.add([Rule(action="slow", operation="book", delay_seconds=1.0, times=3)])
    await waybills.allocate(allocated(1))

    assert await waybills.book() == 0

    [waiting] = await waybills.parcels("AWAITING")
    assert waiting["booking_error"]["retryable"] is True
    due = await waybills.pool.fetchval("SELECT next_booking_at > now() FROM waybills")
    assert due is True  # backed off, not hammering the courier
    await waybills.pool.execute("UPDATE waybills SET next_booking_at = now()")
    assert await waybills.book() == 1  # the courier booked it once: the same number comes back
    [issued] = await waybills.emitted()
    assert [p.tracking_number for p in courier.sim.parcels.values()] == [issued.tracking_number]


async def test_labels_print_with_the_recipient_and_a_second_print_is_a_reprint(
    waybills: Waybills,
) -> None:
    first, second = await waybills.allocate(
        allocated(1, address1="서울특별시 강남구 테헤란로 152"), allocated(2)
    )
    body = {"seller_id": SELLER, "by": "kim", "parcel_ids": [str(first.parcel_id)]}

    answer = await waybills.http.post("/labels", json=body)

    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "application/pdf"
    text = pdftotext(answer.content)
    assert "김민001" in text and "테헤란로 152" in text
    assert answer.headers["x-reprints"] == "0"
    ranged = await waybills.http.post(
        "/labels",
        json={
            "seller_id": SELLER,
            "by": "kim",
            "from_number": min(first.tracking_number, second.tracking_number),
            "to_number": max(first.tracking_number, second.tracking_number),
        },
    )
    assert ranged.status_code == 200, ranged.text
    assert (ranged.headers["x-labels"], ranged.headers["x-reprints"]) == ("2", "1")
    assert "재출력" in pdftotext(ranged.content)
    assert await waybills.pool.fetchval("SELECT count(*) FROM label_prints") == 3


async def test_a_parcel_awaiting_its_number_has_no_label(waybills: Waybills) -> None:
    account = await waybills.account(courier_code="CJGLS", method="FILE")
    await waybills.make_default(account)
    await waybills.allocate(allocated(1))
    [parcel] = await waybills.parcels("AWAITING")

    answer = await waybills.http.post(
        "/labels", json={"seller_id": SELLER, "by": "kim", "parcel_ids": [parcel["parcel_id"]]}
    )

    assert answer.status_code == 409, answer.text


async def test_a_person_replaces_a_number_and_the_old_one_is_never_used_again(
    waybills: Waybills,
) -> None:
    first, second = await waybills.allocate(allocated(1), allocated(2))
    path = f"/parcels/{first.parcel_id}/replace-number"

    taken = await waybills.http.post(
        path,
        json={
            "seller_id": SELLER,
            "by": "kim",
            "reason": "label torn",
            "tracking_number": second.tracking_number,
        },
    )
    assert taken.status_code == 409, taken.text
    answer = await waybills.http.post(
        path, json={"seller_id": SELLER, "by": "kim", "reason": "label torn"}
    )

    assert answer.status_code == 200, answer.text
    new = answer.json()["tracking_number"]
    assert new not in (first.tracking_number, second.tracking_number)
    emitted = await waybills.emitted()
    assert [(e.parcel_id, e.tracking_number) for e in emitted[2:]] == [(first.parcel_id, new)]
    assert emitted[2].issued_via == "BAND"  # the next number of the band
    reused = await waybills.http.post(
        f"/parcels/{second.parcel_id}/replace-number",
        json={
            "seller_id": SELLER,
            "by": "kim",
            "reason": "typo",
            "tracking_number": first.tracking_number,
        },
    )
    assert reused.status_code == 409 and "never used twice" in reused.json()["detail"]
    decisions = await waybills.pool.fetch("SELECT action, decided_by, reason FROM decisions")
    assert [tuple(d) for d in decisions] == [("waybill.replace_number", "kim", "label torn")]


async def test_another_sellers_parcel_is_not_found(waybills: Waybills) -> None:
    [issued] = await waybills.allocate(allocated(1))
    answer = await waybills.http.get(
        f"/parcels/{issued.parcel_id}", params={"seller_id": "someone-else"}
    )
    assert answer.status_code == 404
    mine: dict[str, Any] = (
        await waybills.http.get(f"/parcels/{issued.parcel_id}", params={"seller_id": SELLER})
    ).json()
    assert (mine["status"], mine["tracking_number"]) == ("ISSUED", issued.tracking_number)


@pytest.mark.parametrize(
    "base_url",
    [
        "http://api.hanjin.example",  # plain http
        "https://10.0.0.7",  # an address on our network
        "https://waybill:8105",  # a single-label (internal) name
        "https://courier.internal",
        "https://user:pw@api.hanjin.example",
        "https://api.hanjin.example/v1?x=1",
    ],
)
async def test_a_courier_account_may_not_aim_at_our_network_or_leak_keys(
    waybills: Waybills, base_url: str
) -> None:
    answer = await waybills.http.post(
        "/courier-accounts",
        json={
            "seller_id": SELLER,
            "courier_code": "HANJIN",
            "name": "evil",
            "method": "API",
            "sender": {"name": "a", "phone": "02-123-4567", "address": "b", "postcode": "04524"},
            "api": {"base_url": base_url, "key_id": "k", "secret": "s"},
            "by": "kim",
        },
    )
    assert answer.status_code == 422, answer.text
    assert answer.json()["errors"][0]["loc"] == ["body", "api", "base_url"]


async def test_an_account_stored_before_the_policy_fails_its_bookings_clearly(
    waybills: Waybills, courier: RunningSimulator
) -> None:
    await _api_account(waybills, courier)
    waybills.endpoints.allowed.clear()  # the operator no longer allows the host
    await waybills.allocate(allocated(1))

    assert await waybills.book() == 0

    [waiting] = await waybills.parcels("AWAITING")
    assert waiting["booking_error"]["code"] == "UNSAFE_BASE_URL"
    assert [c for c in courier.sim.calls if c.operation == "book"] == []


async def test_band_labels_of_an_account_with_api_access_carry_the_couriers_sorting_code(
    waybills: Waybills, courier: RunningSimulator
) -> None:
    sim_account = courier.sim.add_account("HYUNDAI")
    waybills.endpoints.allow(courier.url)
    account = await waybills.account(
        courier_code="HYUNDAI",
        method="BAND",
        api={"base_url": courier.url, "key_id": sim_account.key_id, "secret": sim_account.secret},
    )
    await waybills.http.post(
        f"/courier-accounts/{account}/bands",
        params={"seller_id": SELLER},
        json={"start": 41_000_000_000, "end": 41_000_000_099, "by": "kim"},
    )
    await waybills.make_default(account)
    [issued] = await waybills.allocate(allocated(1))

    answer = await waybills.http.post(
        "/labels", json={"seller_id": SELLER, "by": "kim", "parcel_ids": [str(issued.parcel_id)]}
    )

    assert answer.status_code == 200, answer.text
    sorting = await waybills.pool.fetchval("SELECT sorting ->> 'sort_code' FROM waybills")
    assert sorting and sorting in pdftotext(answer.content)
    assert [c.operation for c in courier.sim.calls] == ["address"]
