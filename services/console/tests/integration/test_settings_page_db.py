"""설정 through the console: the bundler's and the collector's real settings routes on
PostgreSQL (in-process). The owner sets the 출고 마감, the sealing rule and the 합포 제외 list;
who decided comes from the session;
an operator and a viewer read but are refused a change; a bad value is a Korean 4xx."""

import re
from collections.abc import AsyncIterator
from datetime import time, timedelta
from typing import Any

import httpx
import pytest

from packline_bundler.bootstrap import MIGRATIONS as BUNDLER_MIGRATIONS
from packline_bundler.bootstrap import SERVICE as BUNDLER
from packline_bundler.entrypoints import settings_http
from packline_collector.bootstrap import MIGRATIONS as COLLECTOR_MIGRATIONS
from packline_collector.bootstrap import SERVICE as COLLECTOR
from packline_collector.entrypoints import shipping_cutoff_http
from packline_console.bootstrap import MIGRATIONS as CONSOLE_MIGRATIONS
from packline_runtime.tokens import Role
from services.console.tests.integration.console_harness import (
    Browser,
    Harness,
    running_console,
    settings,
)
from services.console.tests.integration.service_apps import Apps, service_runtime

OWNER, OPERATOR, VIEWER = "owner@s1.kr", "op@s1.kr", "viewer@s1.kr"


@pytest.fixture
def apps() -> Apps:
    return Apps()


@pytest.fixture
async def with_bundler(new_schema: Any, apps: Apps) -> AsyncIterator[Harness]:
    bundler_pool = await new_schema(BUNDLER_MIGRATIONS, prefix="cbund")
    runtime = service_runtime(BUNDLER, bundler_pool, BUNDLER_MIGRATIONS)
    apps.add("bundler", bundler_pool, settings_http.router(runtime, timedelta(minutes=2)))
    collector_pool = await new_schema(COLLECTOR_MIGRATIONS, prefix="ccut")
    collector = service_runtime(COLLECTOR, collector_pool, COLLECTOR_MIGRATIONS)
    apps.add("collector", collector_pool, shipping_cutoff_http.router(collector, time(15, 0)))
    console_pool = await new_schema(CONSOLE_MIGRATIONS, prefix="console")
    async with running_console(console_pool, settings(**apps.urls), mounts=apps.mounts) as harness:
        await harness.user(OWNER, Role.OWNER)
        await harness.user(OPERATOR, Role.OPERATOR)
        await harness.user(VIEWER, Role.VIEWER)
        yield harness


async def _post(browser: Browser, path: str, data: dict[str, str]) -> httpx.Response:
    token = await browser.csrf("/settings")
    return await browser.client.post(
        path, data={**data, "csrf_token": token}, follow_redirects=True
    )


async def test_the_owner_sets_cutoff_times_and_sees_who_decided(with_bundler: Harness) -> None:
    async with with_bundler.browser() as browser:
        await browser.sign_in(OWNER)
        before = await browser.client.get("/settings")
        saved = await _post(
            browser, "/settings/sealing", {"mode": "CUTOFF", "cutoffs": "10:00,14:00"}
        )
        held = await _post(browser, "/settings/sealing", {"mode": "HOLD", "hold_minutes": "30"})

    assert before.status_code == 200 and "기본값" in before.text
    assert 'href="/waybill"' in before.text and 'href="/settings/users"' in before.text
    assert saved.status_code == 200, saved.text
    assert "합포 마감 설정을 저장했습니다" in saved.text
    cutoffs = re.search(r'id="seal-cutoffs">([^<]*)<', saved.text)
    assert cutoffs and cutoffs.group(1) == "10:00,14:00"
    assert OWNER in saved.text  # decided_by is the signed-in person
    assert held.status_code == 200 and "30분" in held.text


async def test_bad_sealing_values_are_korean_4xx_not_500(with_bundler: Harness) -> None:
    async with with_bundler.browser() as browser:
        await browser.sign_in(OWNER)
        no_times = await _post(browser, "/settings/sealing", {"mode": "CUTOFF"})
        bad_time = await _post(browser, "/settings/sealing", {"mode": "CUTOFF", "cutoffs": "25:00"})
        bad_minutes = await _post(
            browser, "/settings/sealing", {"mode": "HOLD", "hold_minutes": "-5"}
        )
        bad_mode = await _post(browser, "/settings/sealing", {"mode": "SOMETIMES"})

    assert no_times.status_code == 422 and "입력값을 확인하세요" in no_times.text
    assert bad_time.status_code == 422 and 'role="alert"' in bad_time.text
    assert bad_minutes.status_code == 422 and "분 단위 정수" in bad_minutes.text
    assert bad_mode.status_code == 422 and "mode" in bad_mode.text


async def test_the_owner_adds_and_removes_a_bundling_exclusion(with_bundler: Harness) -> None:
    async with with_bundler.browser() as browser:
        await browser.sign_in(OWNER)
        added = await _post(
            browser, "/settings/exclusions", {"kind": "SKU", "value": "BIG-1", "reason": "부피 큼"}
        )
        removed = await _post(
            browser, "/settings/exclusions/remove", {"kind": "SKU", "value": "BIG-1"}
        )
        again = await _post(
            browser, "/settings/exclusions/remove", {"kind": "SKU", "value": "BIG-1"}
        )

    assert added.status_code == 200 and "합포 제외에 넣었습니다" in added.text
    assert "BIG-1" in added.text and "부피 큼" in added.text
    assert removed.status_code == 200 and "합포 제외가 없습니다" in removed.text
    assert again.status_code == 404 and "찾는 항목이 없습니다" in again.text


@pytest.mark.parametrize("email", [OPERATOR, VIEWER])
async def test_an_operator_or_viewer_reads_but_is_refused_a_change(
    with_bundler: Harness, email: str
) -> None:
    async with with_bundler.browser() as browser:
        await browser.sign_in(email)
        page = await browser.client.get("/settings")
        token = await browser.csrf("/settings")
        refused = await browser.client.post(
            "/settings/sealing",
            data={"mode": "MANUAL", "csrf_token": token},
            follow_redirects=True,
        )
        after = await browser.client.get("/settings")

    assert page.status_code == 200 and 'class="change' not in page.text
    assert "대표(소유자)만 바꿀 수 있습니다" in page.text
    assert refused.status_code == 403
    assert "기본값" in after.text  # nothing changed


async def _cutoff_row(apps: Apps) -> tuple[time, str] | None:
    row = await apps.pools["collector"].fetchrow(
        "SELECT cutoff, updated_by FROM shipping_cutoffs WHERE seller_id = 's1'"
    )
    return None if row is None else (row["cutoff"], row["updated_by"])


async def test_the_owner_sets_the_shipping_cutoff_and_goes_back_to_the_default(
    with_bundler: Harness, apps: Apps
) -> None:
    async with with_bundler.browser() as browser:
        await browser.sign_in(OWNER)
        before = await browser.client.get("/settings")
        saved = await _post(browser, "/settings/shipping-cutoff", {"cutoff": "11:30"})
        stored = await _cutoff_row(apps)
        cleared = await _post(browser, "/settings/shipping-cutoff", {"cutoff": ""})

    shown = re.search(r'id="shipping-cutoff-value">([^<]*)<', before.text)
    assert shown and shown.group(1) == "15:00 (기본값)"
    assert saved.status_code == 200, saved.text
    assert "출고 마감을 11:30(으)로 저장했습니다" in saved.text
    shown = re.search(r'id="shipping-cutoff-value">([^<]*)<', saved.text)
    assert shown and shown.group(1) == "11:30"
    assert OWNER in saved.text  # who set it is the signed-in person
    assert stored == (time(11, 30), OWNER)
    assert cleared.status_code == 200 and "기본값(15:00)으로 되돌렸습니다" in cleared.text
    assert await _cutoff_row(apps) is None


async def test_a_shipping_cutoff_that_is_not_hh_mm_is_a_korean_422(
    with_bundler: Harness, apps: Apps
) -> None:
    async with with_bundler.browser() as browser:
        await browser.sign_in(OWNER)
        refused = [
            await _post(browser, "/settings/shipping-cutoff", {"cutoff": bad})
            for bad in ("25:00", "3pm", "9:00")
        ]
    for answer in refused:
        assert answer.status_code == 422 and "HH:MM으로 적어 주세요" in answer.text
    assert await _cutoff_row(apps) is None


@pytest.mark.parametrize("email", [OPERATOR, VIEWER])
async def test_an_operator_or_viewer_reads_the_shipping_cutoff_but_may_not_change_it(
    with_bundler: Harness, apps: Apps, email: str
) -> None:
    async with with_bundler.browser() as browser:
        await browser.sign_in(email)
        page = await browser.client.get("/settings")
        token = await browser.csrf("/settings")
        refused = await browser.client.post(
            "/settings/shipping-cutoff",
            data={"cutoff": "09:00", "csrf_token": token},
            follow_redirects=True,
        )
    assert 'id="shipping-cutoff-value">15:00 (기본값)<' in page.text
    assert 'action="/settings/shipping-cutoff"' not in page.text
    assert refused.status_code == 403
    assert await _cutoff_row(apps) is None
