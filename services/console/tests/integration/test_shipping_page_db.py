"""배송 through the console: the shipper's, the collector's and the waybill's real routes on
PostgreSQL (in-process). Parcels by status with search and the Excel download; the push state of
each marketplace line with the marketplace's code and message, retried one or all; mismatches,
the day's reconciliation and a check now; delivery tracking; a viewer changes nothing."""

import io
import re
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest
from openpyxl import load_workbook

from packline_collector.adapters import push_repository
from packline_collector.domain.push import LineKey, NewPush, PushResult, Verdict
from packline_console.bootstrap import MIGRATIONS as CONSOLE_MIGRATIONS
from packline_contracts import WaybillIssued
from packline_launcher.testing import bundle, collected, matched
from packline_runtime.tokens import Role
from packline_runtime.unit_of_work import unit_of_work
from packline_shipper.service_layer import use_cases as shipper_cases
from services.console.tests.integration.console_harness import Harness, running_console, settings
from services.console.tests.integration.service_apps import Apps, collector, shipper, waybill

FIRST, SECOND = "300000000006", "300000000020"
REFUSED = ("E-INVOICE-07", "이미 배송중인 주문입니다")


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


async def _failed_push(pool: Any) -> None:
    """A line pushed to Coupang and refused with its own code and message."""
    key = LineKey("s1", "COUPANG", "7026112800000001", "1")
    push = NewPush(key, uuid.uuid4(), "CJGLS", FIRST, False, uuid.uuid4())
    async with pool.acquire() as conn:
        await push_repository.record(conn, [push])
        [line] = await push_repository.lease_due(conn, 10, 60)
        code, message = REFUSED
        result = PushResult(Verdict.FAILED, code, message)
        await push_repository.save_results(conn, [(line, result)], datetime.now(UTC))


@pytest.fixture
async def with_shipping(new_schema: Any) -> AsyncIterator[Harness]:
    apps = Apps()
    shipper_pool = await shipper(apps, new_schema)
    async with unit_of_work(shipper_pool) as uow:
        await shipper_cases.handle_events(uow, [_issued(FIRST, 1), _issued(SECOND, 2)])
    await _failed_push(await collector(apps, new_schema))
    await waybill(apps, new_schema)
    console_pool = await new_schema(CONSOLE_MIGRATIONS, prefix="console")
    async with running_console(console_pool, settings(**apps.urls), mounts=apps.mounts) as harness:
        await harness.user("op@s1.kr", Role.OPERATOR)
        await harness.user("viewer@s1.kr", Role.VIEWER)
        yield harness


def _numbers(page: str) -> list[str]:
    return re.findall(r"<tr class=\"[^\"]*\"><td>(\d{12})</td>", page)


async def test_parcels_by_status_search_and_download(with_shipping: Harness) -> None:
    async with with_shipping.browser() as browser:
        await browser.sign_in("op@s1.kr")
        ready = await browser.client.get("/shipping")
        found = await browser.client.get("/shipping", params={"view": "parcels", "q": "020"})
        shipped = await browser.client.get("/shipping", params={"status": "SHIPPED"})
        download = await browser.client.get(
            "/shipping", params={"view": "parcels", "status": "READY", "format": "xlsx"}
        )

    assert ready.status_code == 200 and sorted(_numbers(ready.text)) == [FIRST, SECOND]
    assert "<td>출고대기</td>" in ready.text
    assert _numbers(found.text) == [SECOND]
    assert 'name="view" value="parcels"' in found.text  # the search form keeps the tab
    assert _numbers(shipped.text) == []
    sheet = load_workbook(io.BytesIO(download.content)).active
    assert sheet is not None
    rows = [list(r)[:3] for r in sheet.iter_rows(values_only=True)]
    assert rows[0] == ["송장번호", "택배사", "상태"]
    assert sorted(rows[1:]) == [[FIRST, "CJGLS", "출고대기"], [SECOND, "CJGLS", "출고대기"]]


async def test_a_failed_push_shows_the_marketplaces_answer_and_is_retried(
    with_shipping: Harness,
) -> None:
    async with with_shipping.browser() as browser:
        await browser.sign_in("op@s1.kr")
        failed = await browser.client.get("/shipping", params={"view": "pushes", "state": "FAILED"})
        one = await browser.post_form(
            "/shipping/pushes/COUPANG/7026112800000001/1/retry?view=pushes"
        )
        again = await browser.post_form("/shipping/pushes/retry?view=pushes&state=FAILED")
        missing = await browser.post_form("/shipping/pushes/NAVER/1/1/retry?view=pushes")

    assert failed.status_code == 200
    assert "<td>전송실패</td>" in failed.text
    assert all(part in failed.text for part in REFUSED)
    assert "/shipping/pushes/COUPANG/7026112800000001/1/retry" in failed.text
    assert one.status_code == 200 and "1 라인을 다시 전송하도록 예약했습니다" in one.text
    assert "<td>전송대기</td>" in one.text
    assert again.status_code == 200 and "전송실패 0건을 다시 전송하도록" in again.text
    assert missing.status_code == 404 and "주문수집: 찾는 항목이 없습니다" in missing.text


async def test_mismatches_reconciliation_check_and_tracking_show(with_shipping: Harness) -> None:
    async with with_shipping.browser() as browser:
        await browser.sign_in("op@s1.kr")
        mismatches = await browser.client.get(
            "/shipping", params={"view": "mismatches", "date": "2026-03-02"}
        )
        checked = await browser.post_form("/shipping/mismatches/check?view=mismatches")
        tracking = await browser.client.get(
            "/shipping", params={"view": "tracking", "state": "DELIVERED"}
        )
        bad_state = await browser.client.get("/shipping", params={"view": "tracking", "state": "X"})

    assert mismatches.status_code == 200 and "대사(reconciliation) · 2026-03-02" in mismatches.text
    assert "출고했는데 판매처 미반영" in mismatches.text
    assert (
        checked.status_code == 200 and "판매처 상태를 다시 확인했습니다: 확인 0건" in checked.text
    )
    assert tracking.status_code == 200 and "<th>배송상태</th>" in tracking.text
    assert 'class="active">배송완료</a>' in tracking.text
    assert bad_state.status_code == 200 and 'class="active">전체</a>' in bad_state.text


async def test_a_viewer_sees_pushes_but_cannot_retry(with_shipping: Harness) -> None:
    async with with_shipping.browser() as browser:
        await browser.sign_in("viewer@s1.kr")
        pushes = await browser.client.get("/shipping", params={"view": "pushes"})
        refused = await browser.post_form("/shipping/pushes/retry")

    assert pushes.status_code == 200 and REFUSED[1] in pushes.text
    assert "재전송</button>" not in pushes.text and 'id="retry-all"' not in pushes.text
    assert refused.status_code == 403 and "조회 전용" in refused.text
