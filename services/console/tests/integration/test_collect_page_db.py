"""주문수집 through the console, against the collector's real routes on PostgreSQL: accounts
(keys masked, owner only), a collection run from the marketplace simulator followed to its
end, the attention list and its Excel; bad input and a viewer's change are refused."""

import asyncio
import html
import io
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import openpyxl
import pytest

from packline_collector.adapters import order_changes_repository as changes
from packline_collector.adapters.http_retry import RetryPolicy
from packline_collector.adapters.marketplaces import Gateways
from packline_collector.domain.accounts import NewAccount
from packline_collector.domain.endpoints import EndpointPolicy
from packline_collector.service_layer import account_keys
from packline_contracts import OrderRef
from packline_marketsim.generator import generate
from packline_marketsim.server import running
from packline_marketsim.state import Simulator
from services.console.tests.integration.console_harness import Browser
from services.console.tests.integration.work_services import (
    BOX,
    OPERATOR,
    OWNER,
    VIEWER,
    work_console,
)

SECRET = "s3cr3t-that-must-never-show-0123456789"
ACCESS = "AKIAfirst-part-then-the-rest-9876543210"


async def _add_coupang(browser: Browser) -> httpx.Response:
    return await browser.post_form(
        "/collect/accounts",
        {
            "marketplace": "COUPANG",
            "name": "쿠팡 본점",
            "vendor_id": "A00012345",
            "access_key": ACCESS,
            "secret_key": SECRET,
        },
    )


async def test_the_owner_adds_an_account_whose_keys_never_come_back(new_schema: Any) -> None:
    async with work_console(new_schema) as work:
        async with work.console.browser() as owner:
            await owner.sign_in(OWNER)
            added = await _add_coupang(owner)
            listed = await owner.client.get("/collect")
            account_id = re.search(r'action="/collect/accounts/([0-9a-f-]{36})"', listed.text)
            assert account_id
            off = await owner.post_form(
                f"/collect/accounts/{account_id.group(1)}", {"interval_minutes": "30"}
            )
            bad = await owner.post_form(
                f"/collect/accounts/{account_id.group(1)}", {"interval_minutes": "자주"}
            )
            missing = await owner.post_form(
                "/collect/accounts", {"marketplace": "NAVER", "name": "스토어"}
            )
        async with work.console.browser() as operator:
            await operator.sign_in(OPERATOR)
            refused = await _add_coupang(operator)
            seen_by_operator = await operator.client.get("/collect")

    assert added.status_code == 200
    assert "쿠팡 계정 '쿠팡 본점'을(를) 추가했습니다" in html.unescape(added.text)
    for page in (added, listed, off):
        assert SECRET not in page.text and ACCESS not in page.text
    assert "AKIA****" in listed.text  # masked by the collector: enough to tell two keys apart
    assert off.status_code == 200 and "사용 안 함, 30분마다" in off.text
    assert bad.status_code == 422 and "수집 주기(분): 숫자를 입력하세요." in bad.text
    assert missing.status_code == 422 and "client_id" in missing.text  # the collector's words
    assert refused.status_code == 403 and "대표(소유자)만" in refused.text
    assert 'action="/collect/accounts"' not in seen_by_operator.text
    assert 'action="/collect/run"' in seen_by_operator.text  # collecting is the day's work


async def _finished_job(browser: Browser, job_id: str) -> str:
    deadline = asyncio.get_running_loop().time() + 60
    while asyncio.get_running_loop().time() < deadline:
        page = await browser.client.get(f"/collect/jobs/{job_id}")
        if 'data-status="RUNNING"' not in page.text:
            return page.text
        await asyncio.sleep(0.1)
    raise AssertionError("the collection did not finish in 60 s")


async def test_a_collection_run_is_followed_to_its_end_and_listed(new_schema: Any) -> None:
    async with (
        running(Simulator(seed=5)) as market,
        httpx.AsyncClient(timeout=10) as http,
    ):
        policy = EndpointPolicy.from_setting(market.url.removeprefix("http://"))
        retry = RetryPolicy(attempts=2, base_delay=0.05, max_delay=0.5)
        gateways = Gateways(http, retry, policy, BOX)
        async with work_console(new_schema, gateways.for_account, policy) as work:
            coupang = market.sim.add_coupang()
            for order in generate(6, marketplaces=("COUPANG",), seed=3):
                market.sim.place(order, coupang.vendor_id)
            account = NewAccount(
                seller_id="s1",
                marketplace="COUPANG",
                name="쿠팡 본점",
                vendor_id=coupang.vendor_id,
                access_key=coupang.access_key,
                secret_key=coupang.secret_key,
            )
            async with work.collector.acquire() as conn:
                await account_keys.add_account(conn, BOX, account, market.url)
            work.console.clock.now = datetime.now(UTC)
            today = (work.console.clock.now + timedelta(hours=9)).date()
            period = {"period_from": str(today - timedelta(days=1)), "period_to": str(today)}
            async with work.console.browser() as operator:
                await operator.sign_in(OPERATOR)
                started = await operator.post_form(
                    "/collect/run", {**period, "marketplaces": "COUPANG"}
                )
                job_id = re.search(r"/collect/jobs/([0-9a-f-]{36})", started.text)
                assert job_id, started.text[:2000]
                finished = await _finished_job(operator, job_id.group(1))
                listed = await operator.client.get("/collect")
                none_chosen = await operator.post_form("/collect/run", period)
                bad_day = await operator.post_form(
                    "/collect/run",
                    {"period_from": "어제", "period_to": str(today), "marketplaces": "COUPANG"},
                )
                unknown = await operator.client.get(
                    f"/collect/jobs/{'0' * 8}-0000-0000-0000-{'0' * 12}"
                )

    assert started.status_code == 200 and "주문수집을 시작했습니다" in started.text
    assert 'data-status="SUCCEEDED"' in finished
    assert re.search(r'id="job-created">(\d+)<', finished).group(1) == "6"  # type: ignore[union-attr]
    assert job_id.group(1) in listed.text and "완료" in listed.text
    assert none_chosen.status_code == 422 and "판매처를 하나 이상" in none_chosen.text
    assert bad_day.status_code == 422 and "시작일: 날짜를 YYYY-MM-DD" in bad_day.text
    assert unknown.status_code == 404 and "그런 수집 작업이 없습니다" in unknown.text


@pytest.mark.parametrize("fmt", ["page", "xlsx"])
async def test_the_attention_list_shows_and_downloads_the_sellers_cases(
    new_schema: Any, fmt: str
) -> None:
    async with work_console(new_schema) as work:
        async with work.collector.acquire() as conn:
            await changes.add_attention(
                conn,
                [
                    (
                        OrderRef(seller_id="s1", marketplace="NAVER", marketplace_order_id="N-7"),
                        "RECIPIENT_CHANGED",
                        "address changed after collection",
                    ),
                    (
                        OrderRef(seller_id="s2", marketplace="NAVER", marketplace_order_id="N-8"),
                        "PARTIAL_CANCEL",
                        "other seller",
                    ),
                ],
            )
        async with work.console.browser() as viewer:
            await viewer.sign_in(VIEWER)
            query = "?q=N-7" + ("&format=xlsx" if fmt == "xlsx" else "")
            answer = await viewer.client.get(f"/collect{query}")
            run = await viewer.post_form(
                "/collect/run",
                {"period_from": "2026-03-01", "period_to": "2026-03-02", "marketplaces": "COUPANG"},
            )

    assert answer.status_code == 200
    if fmt == "xlsx":
        sheet = openpyxl.load_workbook(io.BytesIO(answer.content)).active
        assert sheet is not None
        assert [c.value for c in sheet[2]][:2] == ["s1:NAVER:N-7", "수취인 정보 변경"]
    else:
        assert "s1:NAVER:N-7" in answer.text and "수취인 정보 변경" in answer.text
        assert "N-8" not in answer.text
        assert 'class="change' not in answer.text  # a viewer sees no change buttons
    assert run.status_code == 403 and "조회 전용" in run.text
