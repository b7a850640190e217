"""출고 스캔 through the console: the shipper's real scan routes on PostgreSQL (in-process),
called with the person's token; each answer comes back as a verdict the page shows and sounds.
A shipper that does not answer is a message, never a 500."""

import re
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.responses import JSONResponse

from packline_console.bootstrap import MIGRATIONS as CONSOLE_MIGRATIONS
from packline_contracts import OrderCancelled, WaybillIssued
from packline_launcher.testing import bundle, collected, matched
from packline_runtime import auth, problems, tokens
from packline_runtime.service import ServiceRuntime
from packline_runtime.settings import Settings
from packline_runtime.tokens import Role
from packline_runtime.unit_of_work import unit_of_work
from packline_shipper.bootstrap import MIGRATIONS as SHIPPER_MIGRATIONS
from packline_shipper.bootstrap import SERVICE as SHIPPER
from packline_shipper.entrypoints import scan_http
from packline_shipper.service_layer import use_cases
from services.console.tests.integration.console_harness import (
    Browser,
    Harness,
    running_console,
    settings,
)

READY, CANCELLED_ONE = "300000000006", "300000000020"


def _issued(number: str, order: int) -> WaybillIssued:
    box = bundle(matched(collected(order, seller="s1"), {"A": 1}))
    return WaybillIssued(
        **box.follow_up(),
        bundle_id=box.bundle_id,
        courier_code="CJGLS",
        tracking_number=number,
        recipient=box.recipient,
        members=box.members,
    )


@pytest.fixture
async def with_shipper(new_schema: Any) -> AsyncIterator[Harness]:
    shipper_pool = await new_schema(SHIPPER_MIGRATIONS, prefix="cship")
    made = collected(2, seller="s1")
    cancel = OrderCancelled(**made.follow_up(), order=made.order, recipient_key=made.recipient_key)
    async with unit_of_work(shipper_pool) as uow:
        await use_cases.handle_events(uow, [_issued(READY, 1), _issued(CANCELLED_ONE, 2), cancel])
    runtime = ServiceRuntime(SHIPPER, Settings(), SHIPPER_MIGRATIONS)
    runtime._pool = shipper_pool
    console_settings = settings(shipper_url="http://shipper.test")
    shipper = FastAPI()
    shipper.include_router(scan_http.router(runtime))
    problems.install(shipper)
    # the shipper verifies the console's tokens with the public half of the console's key
    assert console_settings.token_private_key is not None
    signing = console_settings.token_private_key.get_secret_value()
    shipper.state.verifier = auth.Verifier(tokens.public_pem_of(signing))
    console_pool = await new_schema(CONSOLE_MIGRATIONS, prefix="console")
    mounts = {"http://shipper.test": httpx.ASGITransport(app=shipper)}
    async with running_console(console_pool, console_settings, mounts=mounts) as harness:
        await harness.user("packer@s1.kr", Role.OPERATOR)
        yield harness


async def _scan(browser: Browser, number: str) -> httpx.Response:
    token = await browser.csrf("/shipping/scan")
    return await browser.client.post(
        "/shipping/scan",
        json={"tracking_number": number},
        headers={"accept": "application/json", "x-csrf-token": token},
    )


async def test_scans_answer_ok_stop_already_and_unknown(with_shipper: Harness) -> None:
    async with with_shipper.browser() as browser:
        await browser.sign_in("packer@s1.kr")
        answers = [
            (await _scan(browser, n)).json() for n in (READY, CANCELLED_ONE, READY, "300000000099")
        ]

    assert [(a["kind"], a["label"]) for a in answers] == [
        ("ok", "정상 출고"),
        ("stop", "출고 중지"),
        ("already", "이미 출고"),
        ("unknown", "알 수 없는 송장"),
    ]
    assert answers[0]["tracking_number"] == READY
    assert all(a["message"] for a in answers)


async def test_a_file_of_numbers_gets_an_answer_per_row(with_shipper: Harness) -> None:
    async with with_shipper.browser() as browser:
        await browser.sign_in("packer@s1.kr")
        token = await browser.csrf("/shipping/scan")
        page = await browser.client.post(
            "/shipping/scan/file",
            data={"csrf_token": token, "allow_partial": "true"},
            files={"numbers": ("numbers.txt", f"운송장번호\n{READY}\n{CANCELLED_ONE}\n".encode())},
        )
        empty = await browser.client.post(
            "/shipping/scan/file",
            data={"csrf_token": token},
            files={"numbers": ("numbers.txt", b"")},
        )

    assert page.status_code == 200
    rows = re.findall(r'<tr class="(\w+)"><td>(\d+)</td><td>(\d*)</td><td>([^<]+)</td>', page.text)
    assert [(kind, number, label) for kind, _, number, label in rows] == [
        ("ok", READY, "정상 출고"),
        ("stop", CANCELLED_ONE, "출고 중지"),
    ]
    assert empty.status_code == 400 and "빈 파일" in empty.text


async def test_a_shipper_that_does_not_answer_is_a_message_not_a_500(
    console: Harness,
) -> None:
    await console.user("packer@s1.kr", Role.OPERATOR)
    async with console.browser() as browser:
        await browser.sign_in("packer@s1.kr")
        scan = await _scan(browser, READY)
        dashboard = await browser.client.get("/dashboard")

    assert scan.status_code == 503 and "배송 서비스가 응답하지 않습니다" in scan.json()["error"]
    assert dashboard.status_code == 200
    assert "주문수집 서비스가 응답하지 않습니다" in dashboard.text


async def test_a_failing_shipper_is_a_bad_gateway_with_a_korean_message(
    new_schema: Any,
) -> None:
    """A service's 500 (here a stand-in that always fails) reaches the person as 502 and a
    message saying what to do: the console itself never answers 500."""
    failing = FastAPI()

    @failing.post("/scan")
    async def scan() -> JSONResponse:
        return JSONResponse({"title": "Internal Server Error", "status": 500}, status_code=500)

    pool = await new_schema(CONSOLE_MIGRATIONS, prefix="console")
    mounts = {"http://shipper.test": httpx.ASGITransport(app=failing)}
    async with running_console(
        pool, settings(shipper_url="http://shipper.test"), mounts=mounts
    ) as console:
        await console.user("packer@s1.kr", Role.OPERATOR)
        async with console.browser() as browser:
            await browser.sign_in("packer@s1.kr")
            answer = await _scan(browser, READY)

    assert answer.status_code == 502
    assert "배송 서비스에 문제가 생겼습니다" in answer.json()["error"]


async def test_an_sre_dashboard_reads_stats_only(console: Harness) -> None:
    await console.user("sre@packline.kr", Role.SRE)
    async with console.browser() as browser:
        await browser.sign_in("sre@packline.kr")
        page = await browser.client.get("/dashboard")
        scan_page = await browser.client.get("/shipping/scan")

    assert page.status_code == 200 and "플랫폼" in page.text and ">SRE</a>" in page.text
    assert 'id="scan-input"' not in scan_page.text
