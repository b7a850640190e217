"""할당 미리보기 and 할당 이력 through the console, on the allocator's real routes (PostgreSQL,
in-process): the preview tells in Korean which waiting bundle a 할당처리 would allocate and why
another waits, changing nothing; a bundle's history lists the waves that decided about it."""

from collections.abc import AsyncIterator
from typing import Any

import pytest

from packline_allocator.service_layer import use_cases
from packline_console.bootstrap import MIGRATIONS as CONSOLE_MIGRATIONS
from packline_launcher.testing import bundle, collected, matched
from packline_runtime.tokens import Role
from packline_runtime.unit_of_work import unit_of_work
from services.console.tests.integration.console_harness import Harness, running_console, settings
from services.console.tests.integration.service_apps import Apps, allocator

FIRST = bundle(matched(collected(1, seller="s1"), {"A-1": 2}))
SECOND = bundle(matched(collected(2, seller="s1"), {"A-1": 2}))


@pytest.fixture
async def two_waiting(new_schema: Any) -> AsyncIterator[tuple[Harness, Any]]:
    apps = Apps()
    pool = await allocator(apps, new_schema)
    async with unit_of_work(pool) as uow:
        await use_cases.handle_events(uow, [FIRST, SECOND])  # no stock yet: both wait
    await pool.execute("UPDATE stock SET on_hand = 3 WHERE sku = 'A-1'")  # no wave ran
    await pool.execute(
        "INSERT INTO stock (seller_id, sku, on_hand) VALUES ('s1', 'A-1', 3) ON CONFLICT DO NOTHING"
    )
    console_pool = await new_schema(CONSOLE_MIGRATIONS, prefix="console")
    async with running_console(console_pool, settings(**apps.urls), mounts=apps.mounts) as harness:
        await harness.user("op@s1.kr", Role.OPERATOR)
        await harness.user("viewer@s1.kr", Role.VIEWER)
        yield harness, pool


async def test_the_preview_says_who_would_get_stock_and_why_the_other_waits(
    two_waiting: tuple[Harness, Any],
) -> None:
    harness, pool = two_waiting
    waves_before = await pool.fetchval("SELECT count(*) FROM waves")
    async with harness.browser() as browser:
        await browser.sign_in("viewer@s1.kr")  # a dry run changes nothing: a viewer may look
        page = await browser.client.get("/allocate/preview")

    assert page.status_code == 200, page.text
    assert "대기 묶음 2건 중 <strong>1건</strong>이 할당됩니다" in page.text
    assert "할당 · 2개 중 1번째" in page.text
    assert "A-1 1개 부족 (필요 2, 가용 1) · 2개 중 2번째" in page.text
    assert await pool.fetchval("SELECT allocated FROM stock WHERE sku = 'A-1'") == 0
    assert await pool.fetchval("SELECT count(*) FROM waves") == waves_before  # none recorded


async def test_a_bundles_history_lists_the_wave_that_gave_it_stock(
    two_waiting: tuple[Harness, Any],
) -> None:
    harness, _ = two_waiting
    async with harness.browser() as browser:
        await browser.sign_in("op@s1.kr")
        await browser.post_form("/allocate/wave")
        first = await browser.client.get(f"/allocate/why/{FIRST.bundle_id}")
        second = await browser.client.get(f"/allocate/why/{SECOND.bundle_id}")
        stranger = await browser.client.get("/allocate/why/00000000-0000-0000-0000-000000000001")

    assert first.status_code == 200
    assert "할당처리" in first.text and "할당 · 2개 중 1번째" in first.text
    assert "A-1 1개 부족 (필요 2, 가용 1)" in second.text
    assert stranger.status_code == 404


async def test_the_owner_saves_a_rule_set_and_the_preview_follows_it(
    two_waiting: tuple[Harness, Any],
) -> None:
    """Newest paid first is not a rule; 'largest amount first' is: the second order pays more."""
    harness, pool = two_waiting
    await pool.execute(
        "UPDATE bundle_orders SET amount_krw = 90000 WHERE bundle_id = $1", SECOND.bundle_id
    )
    async with harness.browser() as browser:
        await browser.sign_in("op@s1.kr")
        saved = await browser.post_form(
            "/allocate/rules",
            {
                "kind": ["AMOUNT", "", "", ""],
                "order": ["desc", "asc", "asc", "asc"],
                "note": "큰 주문",
            },
        )
        empty = await browser.post_form(
            "/allocate/rules", {"kind": ["", "", "", ""], "order": ["asc"] * 4}
        )
    assert saved.status_code == 200, saved.text
    assert "할당 규칙 v1을 저장했습니다" in saved.text
    assert "금액 큰 것 먼저 · 같으면 결제시간" in saved.text
    rows = saved.text[saved.text.index('id="preview"') :]
    assert rows.index(str(SECOND.bundle_id)[:8]) < rows.index(str(FIRST.bundle_id)[:8])
    assert empty.status_code == 422 and "기준을 하나 이상" in empty.text


async def test_the_owner_makes_waves_manual_and_a_bad_interval_is_refused(
    two_waiting: tuple[Harness, Any],
) -> None:
    harness, pool = two_waiting
    async with harness.browser() as browser:
        await browser.sign_in("op@s1.kr")
        manual = await browser.post_form("/allocate/waves-mode", {"mode": "MANUAL"})
        bad = await browser.post_form(
            "/allocate/waves-mode", {"mode": "SCHEDULED", "every_minutes": "0"}
        )
        timed = await browser.post_form(
            "/allocate/waves-mode", {"mode": "SCHEDULED", "every_minutes": "30"}
        )
    assert manual.status_code == 200 and "할당 방식을 바꿨습니다: 수동" in manual.text
    assert bad.status_code == 422 and "1분에서 1440분" in bad.text
    assert timed.status_code == 200 and "30분마다" in timed.text
    assert await pool.fetchval("SELECT every_minutes FROM wave_modes WHERE seller_id = 's1'") == 30


async def test_partial_shipment_turned_on_lets_the_preview_ship_what_fits(
    new_schema: Any,
) -> None:
    """A two-order box, one order short: with 미할당주문나누기 on, the preview ships one."""
    apps = Apps()
    pool = await allocator(apps, new_schema)
    rice = matched(collected(1, seller="s1"), {"A-1": 1})
    soup = matched(collected(2, seller="s1"), {"B-2": 1})
    box = bundle(rice, soup)
    async with unit_of_work(pool) as uow:
        await use_cases.handle_events(uow, [box])
    await pool.execute("INSERT INTO stock (seller_id, sku, on_hand) VALUES ('s1', 'A-1', 1)")
    console_pool = await new_schema(CONSOLE_MIGRATIONS, prefix="console")
    async with running_console(console_pool, settings(**apps.urls), mounts=apps.mounts) as harness:
        await harness.user("op@s1.kr", Role.OPERATOR)
        async with harness.browser() as browser:
            await browser.sign_in("op@s1.kr")
            off = await browser.client.get("/allocate/preview")
            on = await browser.post_form("/allocate/partial", {"allowed": "on"})
    assert "꺼짐" in off.text and "<strong>0건</strong>" in off.text
    assert on.status_code == 200 and "미할당주문나누기를 켰습니다" in on.text
    assert "켜짐" in on.text and "<strong>1건</strong>" in on.text
