"""대시보드 through the console with the matcher's and shipper's real routes on PostgreSQL
(in-process): the oldest waiting item of each stage that lists them, attention tiles linking to
the menus' pages, today's funnel; a service that does not answer is a blank."""

import re
from collections.abc import AsyncIterator
from typing import Any

import pytest

from packline_console.bootstrap import MIGRATIONS as CONSOLE_MIGRATIONS
from packline_contracts import OrderCancelled, WaybillIssued
from packline_launcher.testing import bundle, collected, matched
from packline_matcher.bootstrap import MIGRATIONS as MATCHER_MIGRATIONS
from packline_matcher.bootstrap import SERVICE as MATCHER
from packline_matcher.entrypoints import http as matcher_http
from packline_matcher.service_layer import use_cases as matching
from packline_runtime.tokens import Role
from packline_runtime.unit_of_work import unit_of_work
from packline_shipper.bootstrap import MIGRATIONS as SHIPPER_MIGRATIONS
from packline_shipper.bootstrap import SERVICE as SHIPPER
from packline_shipper.entrypoints import http as shipper_http
from packline_shipper.service_layer import use_cases as shipping
from services.console.tests.integration.console_harness import (
    Harness,
    running_console,
    settings,
)
from services.console.tests.integration.service_apps import Apps, service_runtime


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
async def with_stages(new_schema: Any) -> AsyncIterator[Harness]:
    """One order held unmatched; one parcel ready and one stopped (its order cancelled)."""
    matcher_pool = await new_schema(MATCHER_MIGRATIONS, prefix="cmatch")
    async with unit_of_work(matcher_pool) as uow:
        await matching.handle_events(uow, [collected(7, seller="s1")])
    shipper_pool = await new_schema(SHIPPER_MIGRATIONS, prefix="cship")
    made = collected(2, seller="s1")
    cancel = OrderCancelled(**made.follow_up(), order=made.order, recipient_key=made.recipient_key)
    async with unit_of_work(shipper_pool) as uow:
        await shipping.handle_events(
            uow, [_issued("300000000006", 1), _issued("300000000020", 2), cancel]
        )
    apps = Apps()
    matcher = service_runtime(MATCHER, matcher_pool, MATCHER_MIGRATIONS)
    apps.add("matcher", matcher_pool, matcher_http.router(matcher))
    shipper = service_runtime(SHIPPER, shipper_pool, SHIPPER_MIGRATIONS)
    apps.add("shipper", shipper_pool, shipper_http.router(shipper))
    console_pool = await new_schema(CONSOLE_MIGRATIONS, prefix="console")
    async with running_console(console_pool, settings(**apps.urls), mounts=apps.mounts) as harness:
        await harness.user("viewer@s1.kr", Role.VIEWER)
        await harness.user("sre@packline.kr", Role.SRE)
        yield harness


def _row(html: str, stage: str) -> str:
    found = re.search(rf">{re.escape(stage)}</a></td><td>([^<]*)</td>", html)
    assert found, stage
    return found.group(1)


def _tile(html: str, label: str) -> tuple[str, str]:
    found = re.search(
        rf'href="([^"]+)" data-attention="{label}">.*?class="tile-count">([^<]*)<', html, re.S
    )
    assert found, label
    return found.group(1), found.group(2)


async def test_the_oldest_waiting_item_per_stage_and_tiles_linking_to_lists(
    with_stages: Harness,
) -> None:
    async with with_stages.browser() as browser:
        await browser.sign_in("viewer@s1.kr")
        page = await browser.client.get("/dashboard")

    assert page.status_code == 200, page.text
    html = page.text
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", _row(html, "매칭 대기"))
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", _row(html, "출고 대기"))
    assert _row(html, "합포 확인 필요") == "—"  # the bundler did not answer: not "none waiting"
    assert _tile(html, "미매칭 주문") == ("/match", "1")
    assert _tile(html, "출고 중지 박스") == ("/shipping?status=STOPPED", "1")
    assert _tile(html, "마켓 송장 미전송") == ("/shipping", "—")  # collector down: blank
    for label in ("송장 발급 대기", "출고 전 취소 요청", "합포 확인 필요", "처리 실패 메시지"):
        assert _tile(html, label)[0] in ("/waybill", "/cs", "/cs?view=dead", "/bundle")
    assert "/soon/" not in html.split("<main>")[1]  # (the menus are the other pages' to set)
    assert "오늘 00:00(한국 시간)부터 각 단계를 지난 주문 수" in html
    funnel = html.split('class="funnel"')[1].split("</svg>")[0]
    assert re.search(r"수집</text>.*?—", funnel, re.S)  # the collector did not answer
    assert re.search(r"출고</text>.*?>0건", funnel, re.S)  # nothing scanned out today
    assert _row(html, "할당 대기 (재고)") == "—"  # no allocator here
    assert "주문수집 서비스가 응답하지 않습니다" in html


async def test_the_sre_dashboard_has_no_seller_lists(with_stages: Harness) -> None:
    async with with_stages.browser() as browser:
        await browser.sign_in("sre@packline.kr")
        page = await browser.client.get("/dashboard")

    assert page.status_code == 200
    assert 'href="/sre"' in page.text
    # counts and times across sellers (no seller's list): the oldest parcel waiting is known
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", _row(page.text, "출고 대기"))
    assert _tile(page.text, "처리 실패 메시지")[1] == "—"  # dead letters are a seller's list
