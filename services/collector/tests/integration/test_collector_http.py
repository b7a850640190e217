"""The collector's HTTP API as a seller's console uses it, on PostgreSQL and the embedded
broker, collecting from the simulator: accounts with masked keys, a manual collection job
polled to its end, Excel upload from the downloaded template, today's counts, batch delete."""

import asyncio
import contextlib
import io
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
import uvicorn
from aiokafka import AIOKafkaProducer
from openpyxl import load_workbook
from pydantic import SecretStr

from packline_collector.bootstrap import CollectorSettings, create_app
from packline_contracts import (
    ConsumerGroup,
    DeadLettered,
    Marketplace,
    OrderRef,
    Topic,
    new_event_id,
)
from packline_launcher.testing_tokens import TestTokens
from packline_marketsim.generator import generate
from packline_marketsim.server import RunningSimulator, running
from packline_marketsim.state import Simulator
from packline_runtime.tokens import Role


@contextlib.asynccontextmanager
async def _serve(settings: CollectorSettings) -> AsyncIterator[str]:
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings), host="127.0.0.1", port=0, log_level="warning")
    )
    task = asyncio.create_task(server.serve())
    deadline = asyncio.get_running_loop().time() + 60
    while not server.started:
        assert not task.done(), "the collector stopped during startup"
        assert asyncio.get_running_loop().time() < deadline, "the collector did not start in 60s"
        await asyncio.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{server.servers[0].sockets[0].getsockname()[1]}"
    finally:
        server.should_exit = True
        await task


@pytest.fixture(scope="module")
async def stack(
    database_url: str, kafka_bootstrap: str, secrets_key: str
) -> AsyncIterator[tuple[str, RunningSimulator]]:
    async with running(Simulator(seed=7)) as market:
        settings = CollectorSettings(
            database_url=database_url,
            kafka_bootstrap=kafka_bootstrap,
            secrets_key=SecretStr(secrets_key),
            collect_tick_seconds=3600,
            marketplace_backoff_seconds=0.05,
            marketplace_allowed_hosts=market.url.removeprefix("http://"),
        )
        async with _serve(settings) as url:
            yield url, market


def _as(url: str, tokens: TestTokens, seller_id: str, role: Role = Role.OWNER) -> httpx.AsyncClient:
    """A client acting as a person of `seller_id`."""
    return httpx.AsyncClient(base_url=url, timeout=30, headers=tokens.headers(seller_id, role))


async def _json(response: httpx.Response, status: int) -> Any:
    assert response.status_code == status, response.text[:1000]
    return response.json()


async def test_accounts_keep_their_keys_to_themselves(
    stack: tuple[str, RunningSimulator], service_tokens: TestTokens
) -> None:
    url, market = stack
    coupang = market.sim.add_coupang()
    body = {
        "seller_id": "http-1",
        "marketplace": "COUPANG",
        "name": "쿠팡",
        "vendor_id": coupang.vendor_id,
        "access_key": coupang.access_key,
        "secret_key": coupang.secret_key,
        "base_url": market.url,
    }
    async with _as(url, service_tokens, "http-1") as http:
        shown = await _json(await http.post("/accounts", json=body), 201)
        listed = (await http.get("/accounts", params={"seller_id": "http-1"})).text
        incomplete = await _json(
            await http.post("/accounts", json={**body, "secret_key": "", "vendor_id": "A1"}), 422
        )
        duplicate = await http.post("/accounts", json=body)
        async with _as(url, service_tokens, "http-1b") as other:
            foreign = await other.patch(f"/accounts/{shown['account_id']}", json={"enabled": False})
            foreign_list = await _json(await other.get("/accounts"), 200)
            named = await other.get("/accounts", params={"seller_id": "http-1"})
        async with _as(url, service_tokens, "http-1", Role.OPERATOR) as operator:
            not_owner = await operator.post("/accounts", json={**body, "vendor_id": "A2"})
            operator_list = await _json(await operator.get("/accounts"), 200)
    assert shown["secret_key"] == "********" and shown["access_key"].endswith("****")
    assert coupang.secret_key not in listed and coupang.access_key not in listed
    assert "secret_key" in str(incomplete) and coupang.access_key not in str(incomplete)
    assert duplicate.status_code == 409
    assert (foreign.status_code, named.status_code, foreign_list["items"]) == (404, 404, [])
    assert not_owner.status_code == 403
    assert [a["account_id"] for a in operator_list["items"]] == [shown["account_id"]]


async def test_a_manual_collection_is_a_job_polled_to_its_end(
    stack: tuple[str, RunningSimulator],
    service_tokens: TestTokens,
) -> None:
    url, market = stack
    coupang, naver = market.sim.add_coupang(), market.sim.add_naver()
    for order in generate(40, seed=11):
        market.sim.place(
            order, coupang.vendor_id if order.marketplace == "COUPANG" else naver.client_id
        )
    expected = len(market.sim.boxes[coupang.vendor_id]) + len(
        market.sim.product_orders[naver.client_id]
    )
    async with _as(url, service_tokens, "http-2") as http:
        for body in (
            {
                "marketplace": "COUPANG",
                "name": "쿠팡",
                "vendor_id": coupang.vendor_id,
                "access_key": coupang.access_key,
                "secret_key": coupang.secret_key,
            },
            {
                "marketplace": "NAVER",
                "name": "네이버",
                "client_id": naver.client_id,
                "client_secret": naver.client_secret,
            },
        ):
            await _json(
                await http.post(
                    "/accounts", json={"seller_id": "http-2", "base_url": market.url, **body}
                ),
                201,
            )
        start = (datetime.now(UTC) - timedelta(days=1)).isoformat()
        job = await _json(
            await http.post("/collections", json={"seller_id": "http-2", "period_from": start}), 202
        )
        deadline = asyncio.get_running_loop().time() + 60
        while (found := await _json(await http.get(job["poll"]), 200))["status"] == "RUNNING":
            assert asyncio.get_running_loop().time() < deadline, found
            await asyncio.sleep(0.1)
        async with _as(url, service_tokens, "http-2b") as other:
            foreign_job = await other.get(job["poll"])
            foreign_jobs = await _json(await other.get("/collections"), 200)
        async with _as(url, service_tokens, "nobody") as nobody_http:
            nobody = await nobody_http.post("/collections", json={"period_from": start})
        today = await _json(
            await http.get("/orders/registered-today", params={"seller_id": "http-2"}), 200
        )
    assert (found["status"], found["created"], found["accounts_done"]) == ("SUCCEEDED", expected, 2)
    assert nobody.status_code == 422 and "POST /accounts" in nobody.text
    assert foreign_job.status_code == 404 and foreign_jobs["items"] == []
    assert sum(today["by_marketplace"].values()) == expected


async def test_excel_from_the_template_registers_counts_and_deletes_as_a_batch(
    stack: tuple[str, RunningSimulator],
    service_tokens: TestTokens,
) -> None:
    url, _ = stack
    async with _as(url, service_tokens, "http-3") as http:
        template = await http.get("/orders/excel/template")
        book = load_workbook(io.BytesIO(template.content))
        sheet = book.worksheets[0]
        headers = [c.value for c in sheet[1]]
        row = {
            "판매처": "11번가",
            "주문번호": "20261128000123",
            "수취인명": "이서연",
            "수취인 연락처": "010-2222-3333",
            "우편번호": "48059",
            "주소": "부산광역시 해운대구 센텀중앙로 79",
            "상품명": "제주 감귤 3kg",
            "수량": 2,
            "금액": 49000,
        }
        sheet.append([row.get(str(h)) for h in headers])
        out = io.BytesIO()
        book.save(out)
        created = await _json(
            await http.post(
                "/orders/excel", params={"seller_id": "http-3"}, content=out.getvalue()
            ),
            201,
        )
        sheet.append([{**row, "주문번호": "5.21853E+11"}.get(str(h)) for h in headers])
        bad = io.BytesIO()
        book.save(bad)
        rejected = await _json(
            await http.post(
                "/orders/excel", params={"seller_id": "http-3"}, content=bad.getvalue()
            ),
            422,
        )
        today = await _json(
            await http.get("/orders/registered-today", params={"seller_id": "http-3"}), 200
        )
        async with _as(url, service_tokens, "http-3b") as other:
            foreign = await other.delete(f"/orders/excel/batches/{created['batch_id']}")
        deleted = await _json(
            await http.delete(f"/orders/excel/batches/{created['batch_id']}"), 200
        )
        after = await _json(
            await http.get("/orders/registered-today", params={"seller_id": "http-3"}), 200
        )
    assert str(sheet.cell(row=1, column=1).value) == "판매처"
    assert created["created"] == 1
    assert rejected["rows"] == [
        {"row": 3, "column": "주문번호", "problem": rejected["rows"][0]["problem"]}
    ]
    assert today["by_marketplace"] == {"ELEVENST": 1}
    assert foreign.status_code == 404
    assert deleted["deleted"] == 1 and after["by_marketplace"] == {}


def _order_body(seller_id: str, order_id: str, name: str = "김민준") -> dict[str, Any]:
    return {
        "seller_id": seller_id,
        "marketplace": "OWN_SHOP",
        "marketplace_order_id": order_id,
        "ordered_at": "2026-11-28T10:00:00+09:00",
        "paid_at": "2026-11-28T10:01:00+09:00",
        "recipient": {
            "name": name,
            "mobile": "010-1234-5678",
            "address1": "서울특별시 강남구 테헤란로 1",
            "message": "문 앞에\n두세요",
        },
        "lines": [
            {
                "line_id": "1",
                "listing_id": "L1",
                "quantity": 1,
                "unit_price_krw": 1000,
                "amount_krw": 1000,
            }
        ],
    }


async def test_an_order_with_a_control_character_in_the_recipient_is_refused(
    stack: tuple[str, RunningSimulator],
    service_tokens: TestTokens,
) -> None:
    url, _ = stack
    async with _as(url, service_tokens, "http-4") as http:
        refused = await _json(
            await http.post("/orders", json=_order_body("http-4", "NUL-1", "김\u0000민준")), 422
        )
        bell = await _json(
            await http.post("/orders", json=_order_body("http-4", "NUL-2", "김\u0007민준")), 422
        )
        fine = await http.post("/orders", json=_order_body("http-4", "NUL-3"))
        missing = await http.get("/orders/OWN_SHOP/NUL-1", params={"seller_id": "http-4"})
    # a NUL is stopped for every service before the body is parsed; other control
    # characters reach the order's own rule, which names the field
    assert "NUL" in refused["detail"] and "민준" not in str(refused)
    assert bell["errors"][0]["loc"] == ["body", "recipient", "name"], bell
    assert "U+0007" in bell["errors"][0]["msg"] and "민준" not in str(bell)
    assert fine.status_code == 201, fine.text  # a delivery message may span lines
    assert missing.status_code == 404


async def test_a_stage_dead_letter_about_an_order_shows_on_its_view_until_redriven(
    stack: tuple[str, RunningSimulator], service_tokens: TestTokens, kafka_bootstrap: str
) -> None:
    url, _ = stack
    async with _as(url, service_tokens, "http-5") as http:
        await _json(await http.post("/orders", json=_order_body("http-5", "DL-1")), 201)
        ref = OrderRef(
            seller_id="http-5", marketplace=Marketplace.OWN_SHOP, marketplace_order_id="DL-1"
        )
        letter = DeadLettered(
            seller_id="http-5",
            correlation_id=new_event_id(),
            consumer=ConsumerGroup.MATCHER.value,
            topic=Topic.ORDER_COLLECTED.value,
            kafka_partition=0,
            kafka_offset=12,
            failed_event_id=str(new_event_id()),
            failed_event_type="OrderCollected",
            error="PermanentError: recipient.name cannot be stored",
            dead_letter_id=41,
            service="matcher",
            order_uids=(ref.uid,),
        )
        producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap)
        await producer.start()
        try:
            await producer.send_and_wait(
                Topic.DEAD_LETTER.value, letter.model_dump_json().encode(), key=b"matcher"
            )

            async def letters() -> list[dict[str, Any]]:
                view = await _json(
                    await http.get("/orders/OWN_SHOP/DL-1", params={"seller_id": "http-5"}), 200
                )
                found: list[dict[str, Any]] = view["dead_letters"]
                return found

            deadline = asyncio.get_running_loop().time() + 60
            while not (shown := await letters()):
                assert asyncio.get_running_loop().time() < deadline, "the letter never showed"
                await asyncio.sleep(0.1)
            redriven = letter.model_copy(
                update={
                    "event_id": new_event_id(),
                    "occurred_at": datetime.now(UTC),
                    "status": "REDRIVEN",
                    "attempts": 2,
                }
            )
            await producer.send_and_wait(
                Topic.DEAD_LETTER.value, redriven.model_dump_json().encode(), key=b"matcher"
            )
            while await letters():
                assert asyncio.get_running_loop().time() < deadline, "the letter never closed"
                await asyncio.sleep(0.1)
        finally:
            await producer.stop()
    assert [(s["service"], s["dead_letter_id"], s["failed_event_type"]) for s in shown] == [
        ("matcher", 41, "OrderCollected")
    ]
    assert "recipient.name" in shown[0]["error"]


async def test_a_cancel_is_accepted_for_processing_not_answered_cancelled(
    stack: tuple[str, RunningSimulator],
    service_tokens: TestTokens,
) -> None:
    """The parcel may be on the scanner right now: only the shipping line can say whether the
    cancellation is in time, so the collector answers 202 "requested" (docs/adr/0003)."""
    url, _ = stack
    body = {
        "seller_id": "http-6",
        "marketplace": "NAVER",
        "marketplace_order_id": "2026113000000001",
        "ordered_at": "2026-11-30T09:00:00",
        "paid_at": "2026-11-30T09:05:00",
        "recipient": {"name": "이서연", "mobile": "010-2222-3333", "address1": "부산 해운대구 1"},
        "lines": [
            {
                "line_id": "1",
                "listing_id": "L",
                "quantity": 1,
                "unit_price_krw": 10,
                "amount_krw": 10,
            }
        ],
    }
    path = "/orders/NAVER/2026113000000001"
    async with _as(url, service_tokens, "http-6") as http:
        await _json(await http.post("/orders", json=body), 201)
        mine = {"seller_id": "http-6"}
        first = await _json(
            await http.post(f"{path}/cancel", params=mine, json={"reason": "buyer"}), 202
        )
        again = await _json(await http.post(f"{path}/cancel", params=mine), 202)
        order = await _json(await http.get(path, params=mine), 200)
        missing = await http.post("/orders/NAVER/404404/cancel", params={"seller_id": "http-6"})
    assert first["status"] == "CANCEL_REQUESTED" and first["requested_now"] is True
    assert "cancelled" not in first
    assert again["status"] == "CANCEL_REQUESTED" and again["requested_now"] is False
    assert order["status"] == "CANCEL_REQUESTED"
    assert missing.status_code == 404


_REFUSED_BASE_URLS = [
    ("file:///etc/passwd", "scheme 'file' is not allowed"),
    ("javascript:alert(1)", "scheme 'javascript' is not allowed"),
    ("gopher://api-gateway.coupang.com", "scheme 'gopher' is not allowed"),
    ("http://127.0.0.1:8081", "IP address that is not allowed"),
    ("https://127.0.0.1:8101", "IP address that is not allowed"),
    ("http://[::1]:8102", "IP address that is not allowed"),
    ("http://localhost:8101", "'localhost' is not the COUPANG API host"),
    ("https://evil.example", "'evil.example' is not the COUPANG API host"),
    ("https://api-gateway.coupang.com.evil.example", "is not the COUPANG API host"),
    ("https://api.commerce.naver.com", "is not the COUPANG API host"),
    ("https://user@api-gateway.coupang.com", "must not carry a user name or password"),
    ("https://u:p@api-gateway.coupang.com", "must not carry a user name or password"),
    ("http://api-gateway.coupang.com", "must use https"),
    ("https://api-gateway.coupang.com:8443", "port 8443 is not allowed"),
    ("https://api-gateway.coupang.com/#top", "must not carry a query or a fragment"),
    ("https://api-gateway.coupang.com?x=1", "must not carry a query or a fragment"),
    ("https://api-gateway.coupang.com/v2/providers", "must not carry a path"),
    ("https://api-gateway.coupang.com\\@evil.example", "backslashes"),
    ("https://api-gateway.coupang.com\n", "control characters"),
    ("api-gateway.coupang.com", "scheme '(none)' is not allowed"),
]


async def test_an_account_may_point_only_at_its_marketplace_or_an_allowed_simulator(
    stack: tuple[str, RunningSimulator],
    service_tokens: TestTokens,
) -> None:
    url, market = stack
    _, port = market.url.rsplit(":", 1)
    refused = [*_REFUSED_BASE_URLS, (f"http://127.0.0.1:{int(port) + 1}", "IP address")]
    accepted = {
        "": "",
        "https://api-gateway.coupang.com": "https://api-gateway.coupang.com",
        "https://API-Gateway.coupang.com:443/": "https://api-gateway.coupang.com",
        market.url: market.url,
        f"{market.url}/": market.url,
    }

    def body(vendor_id: str, base_url: str) -> dict[str, str]:
        return {
            "seller_id": "http-urls",
            "marketplace": "COUPANG",
            "name": "쿠팡",
            "vendor_id": vendor_id,
            "access_key": "access-key-0001",
            "secret_key": "secret-key-0001",
            "base_url": base_url,
        }

    async with _as(url, service_tokens, "http-urls") as http:
        for number, (base_url, message) in enumerate(refused):
            answer = await _json(
                await http.post("/accounts", json=body(f"R{number}", base_url)), 422
            )
            (error,) = answer["errors"]
            assert error["loc"] == ["body", "base_url"], (base_url, answer)
            assert message in error["msg"], (base_url, error["msg"])
        for number, (base_url, stored) in enumerate(accepted.items()):
            shown = await _json(
                await http.post("/accounts", json=body(f"A{number}", base_url)), 201
            )
            assert shown["base_url"] == stored
        account_id = shown["account_id"]
        for base_url, message in refused:
            answer = await _json(
                await http.patch(f"/accounts/{account_id}", json={"base_url": base_url}), 422
            )
            assert message in answer["errors"][0]["msg"], (base_url, answer)
        moved = await http.patch(f"/accounts/{account_id}", json={"base_url": ""})
        listed = await _json(await http.get("/accounts", params={"seller_id": "http-urls"}), 200)
    assert (await _json(moved, 200))["base_url"] == ""
    assert not any(r["vendor_id"].startswith("R") for r in listed["items"])


async def test_naming_an_order_names_its_seller(
    stack: tuple[str, RunningSimulator], service_tokens: TestTokens
) -> None:
    url, _ = stack
    order = {
        "marketplace": "OWN_SHOP",
        "marketplace_order_id": "A-1",
        "ordered_at": "2026-11-28T01:00:00+00:00",
        "paid_at": "2026-11-28T01:00:00+00:00",
        "recipient": {"name": "김민준", "mobile": "010-1234-5678", "address1": "서울 중구 1"},
        "lines": [
            {
                "line_id": "1",
                "listing_id": "L1",
                "quantity": 1,
                "unit_price_krw": 1,
                "amount_krw": 1,
            }
        ],
    }
    async with (
        _as(url, service_tokens, "http-4a") as a_http,
        _as(url, service_tokens, "http-4b") as b_http,
    ):
        created_a = await _json(await a_http.post("/orders", json=order), 201)
        created_b = await _json(
            await b_http.post("/orders", json={**order, "seller_id": "http-4b"}), 201
        )
        claimed = await b_http.post("/orders", json={**order, "seller_id": "http-4a"})
        # the seller is the token's: unnamed means the caller's own order
        cancelled = await _json(await a_http.post("/orders/OWN_SHOP/A-1/cancel"), 202)
        a = await _json(await a_http.get("/orders/OWN_SHOP/A-1"), 200)
        b = await _json(
            await b_http.get("/orders/OWN_SHOP/A-1", params={"seller_id": "http-4b"}), 200
        )
        # another seller's order, named: 404 as a missing one, and nothing changes
        peek = await b_http.get("/orders/OWN_SHOP/A-1", params={"seller_id": "http-4a"})
        cancel_a = await b_http.post("/orders/OWN_SHOP/A-1/cancel", params={"seller_id": "http-4a"})
        counts_b = await _json(await b_http.get("/orders"), 200)
        counts_of_a = await b_http.get("/orders", params={"seller_id": "http-4a"})
        async with _as(url, service_tokens, "http-4b", Role.VIEWER) as viewer:
            refused = await viewer.post("/orders/OWN_SHOP/A-1/cancel")
    assert created_a["created"] == ["http-4a:OWN_SHOP:A-1"]
    assert created_b["created"] == ["http-4b:OWN_SHOP:A-1"]
    assert claimed.status_code == 404
    assert (cancelled["order"], cancelled["status"]) == ("http-4a:OWN_SHOP:A-1", "CANCEL_REQUESTED")
    assert (a["status"], b["status"]) == ("CANCEL_REQUESTED", "COLLECTED")
    assert (peek.status_code, cancel_a.status_code, counts_of_a.status_code) == (404, 404, 404)
    assert counts_b["by_status"] == {"COLLECTED": 1}
    assert refused.status_code == 403


async def test_mismatch_routes_answer_a_seller_and_refuse_bad_input_with_4xx(
    stack: tuple[str, RunningSimulator],
    service_tokens: TestTokens,
) -> None:
    url, _ = stack
    seller = "mismatch-routes"
    async with _as(url, service_tokens, seller) as http:
        checked = await _json(
            await http.post("/mismatches/check", params={"seller_id": seller}), 200
        )
        assert checked == {"checked": 0, "unanswered": 0, "open": 0, "resolved": 0}
        listed = await _json(
            await http.get("/mismatches", params={"seller_id": seller, "open": "true"}), 200
        )
        assert listed["items"] == []
        day = await _json(
            await http.get("/reconciliation", params={"seller_id": seller, "date": "2026-11-30"}),
            200,
        )
        assert day == {"seller_id": seller, "date": "2026-11-30", "accounts": []}
        for method, path, params in (
            ("GET", "/mismatches", {"seller_id": seller, "kind": "LATE"}),
            ("GET", "/mismatches", {"seller_id": seller, "open": "maybe"}),
            ("GET", "/reconciliation", {"seller_id": seller}),
            ("GET", "/reconciliation", {"seller_id": seller, "date": "2026-13-01"}),
            ("GET", "/reconciliation", {"seller_id": seller, "date": "0"}),  # not 1970-01-01
            ("GET", "/reconciliation", {"seller_id": "", "date": "2026-11-30"}),
        ):
            answer = await http.request(method, path, params=params)
            assert answer.status_code == 422, (path, params, answer.text)


async def test_cancel_lines_takes_units_until_none_are_left_then_answers_409(
    stack: tuple[str, RunningSimulator],
    service_tokens: TestTokens,
) -> None:
    """부분취소: 1 of 3 units, then 2 more, then 1 more: the last is refused, naming the line
    and what is left; bad input is a 422, never a 500."""
    url, _ = stack
    line = {"listing_id": "L", "unit_price_krw": 10}
    body = {
        "seller_id": "http-7",
        "marketplace": "NAVER",
        "marketplace_order_id": "2026113000000007",
        "ordered_at": "2026-11-30T09:00:00",
        "paid_at": "2026-11-30T09:05:00",
        "recipient": {"name": "이서연", "mobile": "010-2222-3333", "address1": "부산 해운대구 1"},
        "lines": [
            {**line, "line_id": "1", "quantity": 3, "amount_krw": 30},
            {**line, "line_id": "2", "quantity": 1, "amount_krw": 10},
        ],
    }
    path = "/orders/NAVER/2026113000000007/cancel-lines"
    mine = {"seller_id": "http-7"}

    def units(n: int, line_id: str = "1") -> dict[str, Any]:
        return {"lines": [{"line_id": line_id, "quantity": n}], "reason": "buyer"}

    async with _as(url, service_tokens, "http-7") as http:
        await _json(await http.post("/orders", json=body), 201)
        one = await _json(await http.post(path, params=mine, json=units(1)), 202)
        two = await _json(await http.post(path, params=mine, json=units(2)), 202)
        over = await _json(await http.post(path, params=mine, json=units(1)), 409)
        unknown = await _json(await http.post(path, params=mine, json=units(1, "9")), 422)
        empty = await http.post(path, params=mine, json={"lines": []})
        zero = await http.post(path, params=mine, json=units(0))
        missing = await http.post("/orders/NAVER/404404/cancel-lines", params=mine, json=units(1))
        order = await _json(await http.get("/orders/NAVER/2026113000000007", params=mine), 200)
    assert one["left"] == {"1": 2, "2": 1} and two["left"] == {"1": 0, "2": 1}
    assert two["status"] == "COLLECTED"  # line 2 still goes on
    assert "line 1" in over["detail"] and "0 of 3 left" in over["detail"]
    assert "line 9" in unknown["detail"]
    assert (empty.status_code, zero.status_code, missing.status_code) == (422, 422, 404)
    assert order["status"] == "COLLECTED"
