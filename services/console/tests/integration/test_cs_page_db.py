"""CS through the console: the collector's real routes on PostgreSQL (in-process). A whole order
or some units of its lines are cancelled; cancelling more than is left is the collector's 409 in
Korean; orders needing a person are listed; dead letters of the stages are listed with their
error and redriven; a viewer sees no change and is refused one."""

import re
from collections.abc import AsyncIterator
from typing import Any

import pytest

from packline_collector.adapters import order_changes_repository as changes
from packline_collector.domain.orders import NewOrder
from packline_collector.service_layer import use_cases
from packline_console.bootstrap import MIGRATIONS as CONSOLE_MIGRATIONS
from packline_runtime.tokens import Role
from packline_runtime.unit_of_work import unit_of_work
from services.console.tests.integration.console_harness import (
    Browser,
    Harness,
    running_console,
    settings,
)
from services.console.tests.integration.service_apps import (
    Apps,
    allocator,
    collector,
    dead_letter,
)

ORDER = "7026112800000001"


def _order() -> NewOrder:
    line = {"listing_id": "L", "unit_price_krw": 9900}
    return NewOrder.model_validate(
        {
            "seller_id": "s1",
            "marketplace": "COUPANG",
            "marketplace_order_id": ORDER,
            "ordered_at": "2026-11-28T09:00:00",
            "paid_at": "2026-11-28T09:05:00",
            "recipient": {"name": "이서연", "mobile": "010-2222-3333", "address1": "부산 1"},
            "lines": [
                {**line, "line_id": "1", "quantity": 3, "amount_krw": 29700},
                {**line, "line_id": "2", "quantity": 1, "amount_krw": 9900},
            ],
        }
    )


@pytest.fixture
async def with_collector(new_schema: Any) -> AsyncIterator[Harness]:
    apps = Apps()
    pool = await collector(apps, new_schema)
    allocator_pool = await allocator(apps, new_schema)
    order = _order()
    async with unit_of_work(pool) as uow:
        await use_cases.register_orders(uow, [order], source="MANUAL")
        await changes.add_attention(uow.conn, [(order.ref, "RETURN_REQUESTED", "구매자 반품 요청")])
    await dead_letter(allocator_pool, "stock row missing for SKU A-1", "s1:COUPANG:1")
    console_pool = await new_schema(CONSOLE_MIGRATIONS, prefix="console")
    async with running_console(console_pool, settings(**apps.urls), mounts=apps.mounts) as harness:
        await harness.user("cs@s1.kr", Role.OPERATOR)
        await harness.user("viewer@s1.kr", Role.VIEWER)
        yield harness


def _cancel_lines(browser: Browser, lines: str) -> Any:
    form = {"marketplace": "COUPANG", "order_id": ORDER, "lines": lines, "reason": "고객 요청"}
    return browser.post_form("/cs/cancel-lines", form)


async def test_units_of_lines_are_cancelled_and_an_over_cancel_is_a_409_message(
    with_collector: Harness,
) -> None:
    async with with_collector.browser() as browser:
        await browser.sign_in("cs@s1.kr")
        first = await _cancel_lines(browser, "1,2")
        over = await _cancel_lines(browser, "1,2")
        unknown = await _cancel_lines(browser, "9,1")
        bad = await _cancel_lines(browser, "1,1\n2,하나")

    assert first.status_code == 200
    assert "부분취소를 접수했습니다" in first.text and "1 1개, 2 1개" in first.text
    assert over.status_code == 409 and "주문수집: 다른 작업과 겹쳤습니다" in over.text
    assert unknown.status_code == 422 and "주문수집: 입력값을 확인하세요" in unknown.text
    assert bad.status_code == 422 and "수량은 0 이상의 정수" in bad.text


async def test_a_whole_order_is_cancelled_and_a_missing_one_is_a_404_message(
    with_collector: Harness,
) -> None:
    async with with_collector.browser() as browser:
        await browser.sign_in("cs@s1.kr")
        done = await browser.post_form(
            "/cs/cancel", {"marketplace": "COUPANG", "order_id": ORDER, "reason": "고객 요청"}
        )
        missing = await browser.post_form(
            "/cs/cancel", {"marketplace": "NAVER", "order_id": "404404", "reason": ""}
        )
        no_market = await browser.post_form(
            "/cs/cancel", {"marketplace": "EBAY", "order_id": ORDER, "reason": ""}
        )

    assert done.status_code == 200 and f"{ORDER} 주문: 취소를 요청했습니다" in done.text
    assert missing.status_code == 404 and "주문수집: 찾는 항목이 없습니다" in missing.text
    assert no_market.status_code == 422 and "marketplace" in no_market.text


async def test_attention_items_and_dead_letters_are_listed_and_a_letter_redriven(
    with_collector: Harness,
) -> None:
    async with with_collector.browser() as browser:
        await browser.sign_in("cs@s1.kr")
        attention = await browser.client.get("/cs", params={"view": "attention"})
        letters = await browser.client.get("/cs", params={"view": "dead"})
        redriven = await browser.post_form("/cs/dead-letters/allocator/1/redrive")
        gone = await browser.post_form("/cs/dead-letters/allocator/99/redrive")
        no_stage = await browser.post_form("/cs/dead-letters/console/1/redrive")

    assert attention.status_code == 200
    assert re.search(
        rf"<td>s1:COUPANG:{ORDER}</td><td>반품 요청</td><td>구매자 반품", attention.text
    )
    assert letters.status_code == 200
    assert "<td>할당</td><td>1</td><td>OrderMatched</td>" in letters.text
    assert "stock row missing for SKU A-1" in letters.text
    # stages not running here are a banner each, never a 500
    assert "합포 서비스가 응답하지 않습니다" in letters.text
    # no subscription here takes the letter's event: the allocator's 409, in Korean
    assert redriven.status_code == 409 and "할당: 다른 작업과 겹쳤습니다" in redriven.text
    assert gone.status_code == 404
    assert no_stage.status_code == 422


async def test_a_viewer_sees_cs_lists_but_no_change_and_is_refused_one(
    with_collector: Harness,
) -> None:
    async with with_collector.browser() as browser:
        await browser.sign_in("viewer@s1.kr")
        page = await browser.client.get("/cs")
        letters = await browser.client.get("/cs", params={"view": "dead"})
        refused = await browser.post_form(
            "/cs/cancel", {"marketplace": "COUPANG", "order_id": ORDER}
        )

    assert page.status_code == 200 and 'id="cancel-form"' not in page.text
    assert "stock row missing" in letters.text and "재처리</button>" not in letters.text
    assert refused.status_code == 403 and "조회 전용" in refused.text
