"""할당 through the console: the allocator's real routes on PostgreSQL (in-process). Stock is
set from pasted lines or a file, 할당처리 runs a wave, the list searches and downloads, and a
viewer sees no change buttons and is refused a change."""

import io
import re
from collections.abc import AsyncIterator
from typing import Any

import pytest
from openpyxl import load_workbook

from packline_allocator.service_layer import use_cases
from packline_console.bootstrap import MIGRATIONS as CONSOLE_MIGRATIONS
from packline_launcher.testing import bundle, collected, matched
from packline_runtime.tokens import Role
from packline_runtime.unit_of_work import unit_of_work
from services.console.tests.integration.console_harness import Harness, running_console, settings
from services.console.tests.integration.service_apps import Apps, allocator


@pytest.fixture
async def with_allocator(new_schema: Any) -> AsyncIterator[Harness]:
    apps = Apps()
    pool = await allocator(apps, new_schema)
    waiting = bundle(matched(collected(1, seller="s1"), {"A-1": 2}))
    async with unit_of_work(pool) as uow:
        await use_cases.set_stock(uow, "s1", {"G-7": 5})
        await use_cases.handle_events(uow, [waiting])
    console_pool = await new_schema(CONSOLE_MIGRATIONS, prefix="console")
    async with running_console(console_pool, settings(**apps.urls), mounts=apps.mounts) as harness:
        await harness.user("op@s1.kr", Role.OPERATOR)
        await harness.user("viewer@s1.kr", Role.VIEWER)
        yield harness


def _stock(page: str) -> list[tuple[str, str, str]]:
    rows = re.findall(r"<tr><td>([^<]+)</td><td>(\d+)</td><td>(\d+)</td>", page)
    return [(sku, on_hand, allocated) for sku, on_hand, allocated in rows]


async def test_stock_set_from_lines_allocates_the_waiting_bundle(with_allocator: Harness) -> None:
    async with with_allocator.browser() as browser:
        await browser.sign_in("op@s1.kr")
        before = await browser.client.get("/allocate")
        saved = await browser.post_form("/allocate/stock", {"lines": "SKU,수량\nA-1,3\n"})
        wave = await browser.post_form("/allocate/wave")

    assert before.status_code == 200
    assert re.search(r'tile-count">1</span><span class="tile-label">재고 대기 묶음', before.text)
    assert saved.status_code == 200
    assert "재고 1건을 저장했습니다" in saved.text and "할당된 묶음: 1건" in saved.text
    assert ("A-1", "3", "2") in _stock(saved.text)
    assert wave.status_code == 200 and "할당처리: 묶음 0건을 할당했습니다" in wave.text


async def test_a_stock_file_is_read_and_bad_lines_are_named(with_allocator: Harness) -> None:
    async with with_allocator.browser() as browser:
        await browser.sign_in("op@s1.kr")
        token = await browser.csrf("/allocate")
        from_file = await browser.client.post(
            "/allocate/stock",
            data={"csrf_token": token},
            files={"stock_file": ("stock.csv", "SKU,수량\nC-3,4\n".encode("cp949"))},
            follow_redirects=True,
        )
        bad = await browser.post_form("/allocate/stock", {"lines": "A-1,2\nG-7,열개\nC\n"})
        twice = await browser.post_form("/allocate/stock", {"lines": "A-1,1\nA-1,2"})

    assert from_file.status_code == 200 and ("C-3", "4", "0") in _stock(from_file.text)
    assert bad.status_code == 422
    assert (
        "2번째 줄: 수량은 0 이상의 정수" in bad.text
        and "3번째 줄" in bad.text
        and "두 칸이어야" in bad.text
    )
    assert twice.status_code == 422 and "같은 SKU가 두 번" in twice.text


async def test_stock_below_what_is_reserved_is_the_allocators_409_in_korean(
    with_allocator: Harness,
) -> None:
    async with with_allocator.browser() as browser:
        await browser.sign_in("op@s1.kr")
        await browser.post_form("/allocate/stock", {"lines": "A-1,2"})
        below = await browser.post_form("/allocate/stock", {"lines": "A-1,1"})

    assert below.status_code == 409
    assert "할당: 다른 작업과 겹쳤습니다" in below.text and "reserved" in below.text


async def test_search_and_the_excel_download_hold_the_matching_skus(
    with_allocator: Harness,
) -> None:
    async with with_allocator.browser() as browser:
        await browser.sign_in("op@s1.kr")
        await browser.post_form("/allocate/stock", {"lines": "A-1,3\nC-3,1\nD-4,9"})
        found = await browser.client.get("/allocate", params={"q": "c-3, g-7"})
        download = await browser.client.get("/allocate", params={"q": "D-4", "format": "xlsx"})

    assert sorted(sku for sku, _, _ in _stock(found.text)) == ["C-3", "G-7"]
    sheet = load_workbook(io.BytesIO(download.content)).active
    assert sheet is not None
    assert [list(r)[:2] for r in sheet.iter_rows(values_only=True)] == [
        ["SKU", "현재고"],
        ["D-4", 9],
    ]


async def test_a_viewer_sees_stock_but_no_change_and_is_refused_one(
    with_allocator: Harness,
) -> None:
    async with with_allocator.browser() as browser:
        await browser.sign_in("viewer@s1.kr")
        page = await browser.client.get("/allocate")
        refused = await browser.post_form("/allocate/wave")
        stock = await browser.post_form("/allocate/stock", {"lines": "G-7,0"})

    assert page.status_code == 200 and ("G-7", "5", "0") in _stock(page.text)
    assert 'id="run-wave"' not in page.text and 'id="save-stock"' not in page.text
    assert refused.status_code == 403 and "조회 전용 계정은 바꿀 수 없습니다" in refused.text
    assert stock.status_code == 403


async def test_a_change_redirects_and_says_what_it_did_once(with_allocator: Harness) -> None:
    """Redirect-after-post: 할당처리 answers 303 to the page (its list query kept), the next
    page shows what was done, a reload shows it no more, and a notice cookie not signed for
    this session is ignored."""
    async with with_allocator.browser() as browser:
        await browser.sign_in("op@s1.kr")
        wave = await browser.post_form("/allocate/wave?q=A-1&page=1", follow=False)
        shown = await browser.client.get(wave.headers["location"])
        reloaded = await browser.client.get(wave.headers["location"])
        browser.client.cookies.set("packline_said", "7ZWg64u5.0000")
        forged = await browser.client.get("/allocate")

    assert wave.status_code == 303 and wave.headers["location"] == "/allocate?q=A-1&page=1"
    assert "할당처리: 묶음 0건을 할당했습니다" in shown.text
    assert "할당처리" in reloaded.text and "묶음 0건을 할당했습니다" not in reloaded.text
    assert forged.status_code == 200 and 'class="notice-ok"' not in forged.text


async def test_waiting_bundles_say_which_sku_is_short_and_by_how_much(
    with_allocator: Harness,
) -> None:
    async with with_allocator.browser() as browser:
        await browser.sign_in("op@s1.kr")
        never_stocked = await browser.client.get("/allocate", params={"view": "waiting"})
        await browser.post_form("/allocate/stock", {"lines": "A-1,1"})
        short = await browser.client.get("/allocate", params={"view": "waiting"})
        missed = await browser.client.get("/allocate", params={"view": "waiting", "q": "G-7"})
        download = await browser.client.get(
            "/allocate", params={"view": "waiting", "format": "xlsx"}
        )

    assert 'data-reason="UNKNOWN_SKU"' in never_stocked.text
    assert "A-1: 재고 미등록" in never_stocked.text
    assert 'data-reason="SHORT"' in short.text
    assert "A-1: 1개 부족 (필요 2, 가용 1)" in short.text
    # no waiting bundle needs G-7 (a letter past F: no bundle id can hold the term by chance)
    assert "재고를 기다리는 묶음이 없습니다" in missed.text
    sheet = load_workbook(io.BytesIO(download.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("주문", "결제일시", "대기 시작", "대기 이유") and len(rows) == 2
    assert rows[1][3] == "A-1: 1개 부족 (필요 2, 가용 1)"
