"""CS through the console: the collector's real routes on PostgreSQL (in-process). A whole order
or some units of its lines are cancelled; cancelling more than is left is the collector's 409 in
Korean; orders needing a person are listed, marked 확인 완료 (then under 처리 완료 with who and
the note, and off the dashboard's count); dead letters of the stages are listed with their
error and redriven; a viewer sees no change and is refused one."""

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import asyncpg
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


@dataclass
class World:
    harness: Harness
    collector: asyncpg.Pool  # the collector's own schema, to read its rows back


@pytest.fixture
async def world(new_schema: Any) -> AsyncIterator[World]:
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
        yield World(harness, pool)


@pytest.fixture
def with_collector(world: World) -> Harness:
    return world.harness


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


async def test_a_viewer_sees_cs_lists_but_no_change_and_is_refused_one(world: World) -> None:
    item = await _item(world)
    async with world.harness.browser() as browser:
        await browser.sign_in("viewer@s1.kr")
        page = await browser.client.get("/cs")
        letters = await browser.client.get("/cs", params={"view": "dead"})
        attention = await browser.client.get("/cs", params={"view": "attention"})
        refused = await browser.post_form(
            "/cs/cancel", {"marketplace": "COUPANG", "order_id": ORDER}
        )
        not_resolved = await browser.post_form(f"/cs/attention/{item}/resolve", {"note": "x"})

    assert page.status_code == 200 and 'id="cancel-form"' not in page.text
    assert "stock row missing" in letters.text and "재처리</button>" not in letters.text
    assert refused.status_code == 403 and "조회 전용" in refused.text
    # the open item is listed, with no 확인 완료 form; sending one anyway is refused
    assert f"<td>s1:COUPANG:{ORDER}</td><td>반품 요청</td>" in attention.text
    assert "/resolve" not in attention.text and "확인 완료</button>" not in attention.text
    assert not_resolved.status_code == 403 and "조회 전용" in not_resolved.text
    assert await _resolution(world, item) == (None, None, None)


async def _item(world: World) -> int:
    found = await world.collector.fetchval(
        "SELECT attention_id FROM order_attention WHERE seller_id = 's1' "
        "AND marketplace_order_id = $1",
        ORDER,
    )
    assert isinstance(found, int)
    return found


async def _resolution(world: World, item: int) -> tuple[Any, Any, Any]:
    row = await world.collector.fetchrow(
        "SELECT resolved_at, resolved_by, note FROM order_attention WHERE attention_id = $1", item
    )
    assert row is not None
    return row["resolved_at"], row["resolved_by"], row["note"]


def _tile(html: str, label: str) -> tuple[str, str]:
    found = re.search(
        rf'href="([^"]+)" data-attention="{label}">.*?class="tile-count">([^<]*)<', html, re.S
    )
    assert found, label
    return found.group(1), found.group(2)


async def test_an_item_marked_handled_leaves_the_open_list_for_the_handled_tab(
    world: World,
) -> None:
    async with world.harness.browser() as browser:
        await browser.sign_in("cs@s1.kr")
        before = await browser.client.get("/dashboard")
        listed = await browser.client.get("/cs", params={"view": "attention"})
        forms = re.findall(r'action="/cs/attention/(\d+)/resolve"', listed.text)
        done = await browser.post_form(
            f"/cs/attention/{forms[0]}/resolve", {"note": "구매자와 통화, 반품 접수"}
        )
        handled = await browser.client.get("/cs", params={"view": "attention", "state": "RESOLVED"})
        again = await browser.post_form(f"/cs/attention/{forms[0]}/resolve")
        missing = await browser.post_form("/cs/attention/999999/resolve")
        after = await browser.client.get("/dashboard")

    assert forms == [str(await _item(world))]
    assert _tile(before.text, "주소 변경 등 확인") == ("/cs?view=attention", "1")
    # redirect-after-post back to the open list, which no longer holds it
    assert done.status_code == 200 and done.url.params["view"] == "attention"
    assert f"s1:COUPANG:{ORDER}: 확인 완료로 표시했습니다" in done.text
    assert "확인이 필요한 주문이 없습니다." in done.text and "/resolve" not in done.text
    resolved_at, by, note = await _resolution(world, int(forms[0]))
    assert (by, note) == ("cs@s1.kr", "구매자와 통화, 반품 접수") and resolved_at is not None
    shown = handled.text.split('id="attention-resolved"')[1]
    assert re.search(
        rf"<td>s1:COUPANG:{ORDER}</td><td>반품 요청</td><td>구매자 반품 요청</td><td>[^<]+</td>"
        r"<td>cs@s1\.kr</td><td>\d{4}-\d\d-\d\d \d\d:\d\d</td><td>구매자와 통화, 반품 접수</td>",
        shown,
    )
    # a second mark is refused in Korean and the first one stands; an unknown item is a 404
    assert again.status_code == 409 and "이미 확인 완료된 항목입니다" in again.text
    assert await _resolution(world, int(forms[0])) == (resolved_at, by, note)
    assert missing.status_code == 404 and "확인할 항목이 없습니다" in missing.text
    assert _tile(after.text, "주소 변경 등 확인") == ("/cs?view=attention", "0")
