"""The scan routes over HTTP on PostgreSQL: a selection or an uploaded file (.txt, .csv, .xlsx),
every row answered, RFC 9457 problems for what cannot ship or cannot be read."""

import io
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from openpyxl import Workbook

from packline_contracts import OrderCancelled, WaybillIssued
from packline_launcher.testing import bundle, collected, matched
from packline_launcher.testing_http import guarded_app, runtime_on
from packline_launcher.testing_tokens import TestTokens
from packline_runtime.tokens import Role
from packline_runtime.unit_of_work import unit_of_work
from packline_shipper.bootstrap import MIGRATIONS, SERVICE
from packline_shipper.entrypoints import http, scan_http
from packline_shipper.service_layer import use_cases

PROBLEM = "application/problem+json"


def _issued(number: str, order: int, seller: str = "s1") -> WaybillIssued:
    box = bundle(matched(collected(order, seller=seller), {"A": 1}))
    return WaybillIssued(
        **box.follow_up(),
        bundle_id=box.bundle_id,
        courier_code="CJGLS",
        tracking_number=number,
        recipient=box.recipient,
        members=box.members,
    )


@pytest.fixture
async def api(new_schema: Any, service_tokens: TestTokens) -> AsyncIterator[httpx.AsyncClient]:
    """The scan routes on a fresh schema with parcels 006 and 013 (s1, ready), 020 (s1, its one
    order cancelled) and 037 (another seller's); the client is an operator of s1."""
    pool = await new_schema(MIGRATIONS, prefix="shttp")
    made = collected(3)
    cancel = OrderCancelled(**made.follow_up(), order=made.order, recipient_key=made.recipient_key)
    async with unit_of_work(pool) as uow:
        await use_cases.handle_events(
            uow,
            [
                _issued("300000000006", 1),
                _issued("300000000013", 2),
                _issued("300000000020", 3),
                _issued("300000000037", 4, seller="s2"),
                cancel,
            ],
        )
    runtime = runtime_on(SERVICE, MIGRATIONS, pool)
    app = guarded_app(scan_http.router(runtime), http.router(runtime))
    transport = httpx.ASGITransport(app=app)
    headers = service_tokens.headers("s1", Role.OPERATOR, sub="kim")
    async with httpx.AsyncClient(
        transport=transport, base_url="http://shipper", headers=headers
    ) as client:
        yield client


async def _upload(api: httpx.AsyncClient, data: bytes, **params: Any) -> httpx.Response:
    query = {"seller_id": "s1", "scanned_by": "line-1", **params}
    return await api.post("/scan/file", params=query, content=data)


def _xlsx(*rows: tuple[Any, ...]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


async def test_a_scan_is_the_tokens_sellers_and_records_the_tokens_person(
    api: httpx.AsyncClient,
) -> None:
    answer = await api.post(
        "/scan", json={"tracking_numbers": ["300000000006"], "scanned_by": "someone-else"}
    )

    assert answer.status_code == 200, answer.text
    assert answer.json()["shipped"] == ["300000000006"]
    parcel = await api.get("/parcels/300000000006")
    assert parcel.json()["shipped_by"] == "kim"


async def test_a_scan_naming_another_seller_is_404_and_ships_nothing(
    api: httpx.AsyncClient,
) -> None:
    body = {"seller_id": "s2", "tracking_numbers": ["300000000037"], "scanned_by": "line-1"}
    upload = await api.post("/scan/file", params={"seller_id": "s2"}, content=b"300000000037\n")

    assert (await api.post("/scan", json=body)).status_code == 404
    assert upload.status_code == 404
    assert (await api.get("/parcels/300000000037")).status_code == 404
    ready = (await api.get("/parcels")).json()["items"]
    assert [p["tracking_number"] for p in ready] == ["300000000006", "300000000013"]
    assert (await api.get("/parcels", params={"seller_id": "s2"})).status_code == 404


async def test_a_viewer_cannot_scan_and_no_token_is_401(
    api: httpx.AsyncClient, service_tokens: TestTokens
) -> None:
    body = {"tracking_numbers": ["300000000006"]}
    viewer = service_tokens.headers("s1", Role.VIEWER)

    assert (await api.post("/scan", json=body, headers=viewer)).status_code == 403
    assert (await api.post("/scan", json=body, headers={"authorization": ""})).status_code == 401


async def test_stats_count_the_sellers_parcels_and_the_sre_counts_across_sellers(
    api: httpx.AsyncClient, service_tokens: TestTokens
) -> None:
    mine = (await api.get("/stats")).json()
    other = (await api.get("/stats", headers=service_tokens.headers("s2"))).json()
    sre = (await api.get("/stats", headers=service_tokens.headers("-", Role.SRE))).json()

    assert (mine["ready"], other["ready"], sre["ready"]) == (2, 1, 3)
    assert (mine["stopped"], other["stopped"], sre["stopped"]) == (1, 0, 1)
    assert (mine["cancelled_orders"], other["cancelled_orders"]) == (1, 0)


async def test_a_selection_with_a_stopped_parcel_is_refused_with_every_row(
    api: httpx.AsyncClient,
) -> None:
    body = {
        "seller_id": "s1",
        "scanned_by": "line-1",
        "tracking_numbers": ["300000000006", "300000000020", "300000000037"],
    }

    refused = await api.post("/scan", json=body)
    partial = await api.post("/scan", json={**body, "allow_partial": True})

    assert refused.status_code == 422 and refused.headers["content-type"] == PROBLEM
    problem = refused.json()
    assert "nothing was shipped" in problem["detail"]
    assert [(r["code"], r["shipped"]) for r in problem["rows"]] == [
        ("OK", False),
        ("CANCELLED", False),
        ("UNKNOWN", False),  # another seller's parcel
    ]
    assert problem["rows"][1]["orders"] == [
        {"marketplace": "COUPANG", "marketplace_order_id": collected(3).order.marketplace_order_id}
    ]
    assert partial.status_code == 200
    assert partial.json()["shipped"] == ["300000000006"]


async def test_a_scanner_export_with_its_header_and_a_repeated_row_ships_each_parcel_once(
    api: httpx.AsyncClient,
) -> None:
    csv = "운송장번호\r\n3000-0000-0006\r\n300000000013\r\n300000000006\r\n".encode("cp949")

    answer = await _upload(api, csv)

    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["shipped"] == ["300000000006", "300000000013"]
    assert [(r["row"], r["code"]) for r in body["rows"]] == [
        (2, "OK"),
        (3, "OK"),
        (4, "DUPLICATE"),
    ]
    again = await _upload(api, b"300000000006\n")
    assert [r["code"] for r in again.json()["rows"]] == ["ALREADY_SHIPPED"]


async def test_an_xlsx_with_numbers_stored_as_numbers_and_a_named_column_is_read(
    api: httpx.AsyncClient,
) -> None:
    data = _xlsx(("주문번호", "운송장번호"), ("A-1", 300000000006), ("A-2", "300000000013"))

    answer = await _upload(api, data)

    assert answer.status_code == 200, answer.text
    assert answer.json()["shipped"] == ["300000000006", "300000000013"]


async def test_an_upload_with_a_bad_row_ships_nothing_and_names_the_row(
    api: httpx.AsyncClient,
) -> None:
    answer = await _upload(api, "300000000006\n김민준\n300000000013\n".encode())

    assert answer.status_code == 422
    rows = answer.json()["rows"]
    assert [(r["row"], r["code"]) for r in rows] == [
        (1, "OK"),
        (2, "NOT_A_NUMBER"),
        (3, "OK"),
    ]
    assert "김민준" not in answer.text


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (b"", "empty"),
        (b"PK\x03\x04not really a workbook", ".xlsx"),
        ("주문번호,수취인\r\nA-1,300000000006\r\n".encode(), "운송장번호"),
        (b"\xff\xfe\x00\x00garbage", "UTF-8"),
        (b"x" * 200_000, "not a readable .csv"),
        ("\n".join(str(300000000000 + n) for n in range(1001)).encode(), "at most 1000"),
    ],
)
async def test_an_unreadable_upload_is_a_specific_422(
    api: httpx.AsyncClient, data: bytes, says: str
) -> None:
    answer = await _upload(api, data)

    assert answer.status_code == 422 and answer.headers["content-type"] == PROBLEM
    assert says in answer.json()["detail"]
