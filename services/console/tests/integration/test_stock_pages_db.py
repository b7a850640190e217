"""재고 입출고 · 이력 and 안전재고 on 할당 through the console, on the allocator's real routes
(PostgreSQL, in-process): each form posts a change the allocator records (read back through its
API), its refusals are shown as it words them (per SKU, per row and column of a file), the
history filters and pages, and a viewer sees the lists without a form and is refused a change."""

import io
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import asyncpg
import pytest
from openpyxl import load_workbook

from packline_allocator.service_layer import use_cases
from packline_console.bootstrap import MIGRATIONS as CONSOLE_MIGRATIONS
from packline_console.domain.accounts import User
from packline_launcher.testing import bundle, collected, matched
from packline_runtime.tokens import Role
from packline_runtime.unit_of_work import unit_of_work
from services.console.tests.integration.console_harness import Harness, running_console, settings
from services.console.tests.integration.service_apps import Apps, allocator

OP, VIEWER = "op@s1.kr", "viewer@s1.kr"
FORMS = ('id="move-form"', 'id="upload-form"', 'id="safety-form"', 'action="/allocate/safety')


@dataclass
class Stock:
    console: Harness
    pool: asyncpg.Pool

    async def api(self, path: str, **params: Any) -> Any:
        """The allocator's answer through its HTTP API, as seller s1."""
        user = User(user_id=0, email="test@s1.kr", seller_id="s1", role=Role.VIEWER)
        services = self.console.app.state.console.services
        return await services.get(user, "allocator", path, seller_id="s1", **params)

    async def levels(self) -> dict[str, tuple[int, int, int]]:
        rows = (await self.api("/stock"))["items"]
        return {r["sku"]: (r["on_hand"], r["allocated"], r["safety"]) for r in rows}

    async def moves(self, **params: Any) -> list[tuple[Any, ...]]:
        rows = (await self.api("/stock/movements", **params))["items"]
        return [(r["sku"], r["reason"], r["delta"], r["on_hand_after"], r["note"]) for r in rows]


@pytest.fixture
async def stock(new_schema: Any) -> AsyncIterator[Stock]:
    """Seller s1 with G-7 (5 on hand) and one bundle waiting for two A-1."""
    apps = Apps()
    pool = await allocator(apps, new_schema)
    waiting = bundle(matched(collected(1, seller="s1"), {"A-1": 2}))
    async with unit_of_work(pool) as uow:
        await use_cases.set_stock(uow, "s1", {"G-7": 5})
        await use_cases.handle_events(uow, [waiting])
    console_pool = await new_schema(CONSOLE_MIGRATIONS, prefix="console")
    async with running_console(console_pool, settings(**apps.urls), mounts=apps.mounts) as harness:
        await harness.user(OP, Role.OPERATOR)
        await harness.user(VIEWER, Role.VIEWER)
        yield Stock(harness, pool)


def _history(page: str) -> list[tuple[str, str, str]]:
    """(SKU, 사유, 변동) per row of the 재고 이력 table."""
    rows = re.findall(
        r"<tr data-reason=\"[A-Z_]+\"><td>[^<]*</td><td>([^<]+)</td><td>([^<]+)</td>"
        r"<td>([^<]+)</td>",
        page,
    )
    return [(sku, reason, delta) for sku, reason, delta in rows]


async def test_a_receipt_of_one_sku_allocates_the_waiting_bundle(stock: Stock) -> None:
    async with stock.console.browser() as browser:
        await browser.sign_in(OP)
        page = await browser.client.get("/allocate/moves")
        done = await browser.post_form(
            "/allocate/moves", {"reason": "RECEIPT", "sku": "A-1", "quantity": "3", "note": "1차"}
        )

    assert page.status_code == 200 and all(form in page.text for form in FORMS[:2])
    assert done.status_code == 200, done.text
    assert "입고 · SKU 1건을 반영했습니다 (A-1 +3 (현재고 3))" in done.text
    assert "재고가 생겨 할당된 묶음: 1건" in done.text
    assert ("A-1", "입고", "+3") in _history(done.text)
    assert (await stock.moves(sku="A-1")) == [("A-1", "RECEIPT", 3, 3, "1차")]
    assert (await stock.levels())["A-1"] == (3, 2, 0)


async def test_pasted_lines_adjust_and_count_and_a_refusal_is_the_allocators(
    stock: Stock,
) -> None:
    async with stock.console.browser() as browser:
        await browser.sign_in(OP)
        adjusted = await browser.post_form(
            "/allocate/moves", {"reason": "ADJUSTMENT", "lines": "SKU,수량\nG-7,-2\nB-2,+4"}
        )
        counted = await browser.post_form(
            "/allocate/moves", {"reason": "STOCKTAKE", "lines": "G-7\t9"}
        )
        refused = await browser.post_form(
            "/allocate/moves", {"reason": "RETURN_RESTOCK", "lines": "G-7,1\nB-2,-10"}
        )
        both = await browser.post_form(
            "/allocate/moves",
            {"reason": "RECEIPT", "sku": "A-1", "quantity": "1", "lines": "B-2,1"},
        )
        bad = await browser.post_form(
            "/allocate/moves", {"reason": "RECEIPT", "lines": "B-2,1\nC-3,두개"}
        )

    assert adjusted.status_code == 200, adjusted.text
    assert "조정 · SKU 2건을 반영했습니다 (G-7 -2 (현재고 3), B-2 +4 (현재고 4))" in adjusted.text
    assert (
        counted.status_code == 200
        and "실사 · SKU 1건을 반영했습니다 (G-7 +6 (현재고 9))" in counted.text
    )
    assert refused.status_code == 422
    assert "nothing was changed; fix these SKUs" in refused.text
    assert "B-2: 4 on hand -10 would be negative" in refused.text
    assert "G-7,1\nB-2,-10" in refused.text  # the lines are kept to fix
    assert both.status_code == 422 and "하나만 채워 주세요" in both.text
    assert bad.status_code == 422 and "2번째 줄: 수량은 정수" in bad.text
    assert await stock.moves(reason="RETURN_RESTOCK") == []  # nothing of the refused batch
    assert (await stock.levels())["G-7"][0] == 9 and (await stock.levels())["B-2"][0] == 4


async def test_a_stock_file_is_uploaded_and_a_broken_one_named_by_row_and_column(
    stock: Stock,
) -> None:
    good = "상품코드,수량,메모\nA-1,4,반품 상자\nG-7,1,\n".encode("cp949")
    broken = "상품코드,수량\nA-1,4\n,2\nG-7,열개\n".encode()
    async with stock.console.browser() as browser:
        await browser.sign_in(OP)
        template = await browser.client.get("/allocate/upload/template")
        token = await browser.csrf("/allocate/moves")
        uploaded = await browser.client.post(
            "/allocate/upload",
            data={"csrf_token": token, "reason": "RETURN_RESTOCK"},
            files={"stock_file": ("재고.csv", good, "text/csv")},
            follow_redirects=True,
        )
        refused = await browser.client.post(
            "/allocate/upload",
            data={"csrf_token": token, "reason": "RECEIPT"},
            files={"stock_file": ("broken.csv", broken, "text/csv")},
        )

    sheet = load_workbook(io.BytesIO(template.content)).worksheets[0]
    assert template.status_code == 200 and [c.value for c in sheet[1]][:2] == ["상품코드", "수량"]
    assert uploaded.status_code == 200, uploaded.text
    assert "재고.csv: 반품 재입고 · SKU 2건을 반영했습니다" in uploaded.text
    assert "할당된 묶음: 1건" in uploaded.text
    assert await stock.moves(reason="RETURN_RESTOCK") == [  # newest first: the last row first
        ("G-7", "RETURN_RESTOCK", 1, 6, ""),
        ("A-1", "RETURN_RESTOCK", 4, 4, "반품 상자"),
    ]
    assert refused.status_code == 422
    assert "broken.csv: 고칠 곳" in refused.text
    errors = re.findall(
        r"<tr><td>(\d+)</td><td class=\"error\">([^<]+)</td><td>([^<]+)</td>", refused.text
    )
    assert [(row, column) for row, column, _ in errors] == [("3", "상품코드"), ("4", "수량")]
    assert "is empty" in errors[0][2] and "is not a whole number" in errors[1][2]
    assert await stock.moves(reason="RECEIPT") == []


async def test_the_history_filters_by_sku_reason_and_period_and_pages(stock: Stock) -> None:
    lines = "\n".join(f"P-{n:02},1" for n in range(21))
    async with stock.console.browser() as browser:
        await browser.sign_in(OP)
        await browser.post_form("/allocate/moves", {"reason": "RECEIPT", "lines": lines})
        await browser.post_form(
            "/allocate/moves", {"reason": "ADJUSTMENT", "sku": "G-7", "quantity": "-1"}
        )
        await stock.pool.execute(
            "UPDATE stock_movements SET moved_at = now() - interval '40 days' WHERE reason = 'STOCKTAKE'"
        )
        first = await browser.client.get(
            "/allocate/moves", params={"reason": "RECEIPT", "size": 20}
        )
        second = await browser.client.get(
            "/allocate/moves", params={"reason": "RECEIPT", "size": 20, "page": 2}
        )
        of_g7 = await browser.client.get("/allocate/moves", params={"sku": "G-7"})
        of_g7_ever = await browser.client.get(
            "/allocate/moves", params={"sku": "G-7", "preset": "all"}
        )
        download = await browser.client.get(
            "/allocate/moves", params={"sku": "G-7", "preset": "all", "format": "xlsx"}
        )

    assert len(_history(first.text)) == 20 and "다음</a>" in first.text
    assert {reason for _, reason, _ in _history(first.text)} == {"입고"}
    assert _history(second.text) == [("P-00", "입고", "+1")]
    assert 'option value="RECEIPT" selected' in first.text
    # the fixture's 실사 of G-7 was 40 days ago: outside the default 30 days, in 전체
    assert _history(of_g7.text) == [("G-7", "조정", "-1")]
    assert _history(of_g7_ever.text) == [("G-7", "조정", "-1"), ("G-7", "실사", "+5")]
    rows = list(
        load_workbook(io.BytesIO(download.content)).worksheets[0].iter_rows(values_only=True)
    )
    assert rows[0][:4] == ("일시", "SKU", "사유", "변동")
    assert [r[1:4] for r in rows[1:]] == [("G-7", "조정", -1), ("G-7", "실사", 5)]


async def test_safety_stock_is_set_shown_and_released_with_the_quantity(stock: Stock) -> None:
    async with stock.console.browser() as browser:
        await browser.sign_in(OP)
        held = await browser.post_form(
            "/allocate/safety", {"safety_lines": "A-1,2", "note": "행사"}
        )
        await browser.post_form(
            "/allocate/moves", {"reason": "RECEIPT", "sku": "A-1", "quantity": "3"}
        )
        listed = await browser.client.get("/allocate")
        released = await browser.post_form("/allocate/safety/release", {"sku": "A-1"})
        unknown = await browser.post_form("/allocate/safety/release", {"sku": "NONE-9"})
        negative = await browser.post_form("/allocate/safety", {"safety_lines": "A-1,-1"})

    assert held.status_code == 200, held.text
    assert "안전재고 1건을 저장했습니다 (A-1 2개)" in held.text
    assert re.search(r"<td>A-1</td><td>3</td><td>0</td><td class=\"safety\">2\s*<form", listed.text)
    assert released.status_code == 200, released.text
    assert "안전재고 해제: A-1 2개를 할당에 풀었습니다. 할당된 묶음: 1건" in released.text
    assert re.search(r"<td>A-1</td><td>3</td><td>2</td><td class=\"safety\">0</td>", released.text)
    assert (await stock.levels())["A-1"] == (3, 2, 0)
    assert [m[1:3] for m in await stock.moves(sku="A-1")] == [
        ("SAFETY_RELEASE", -2),
        ("RECEIPT", 3),
        ("SAFETY_SET", 2),
    ]
    assert unknown.status_code == 422 and "NONE-9" in unknown.text
    assert negative.status_code == 422 and "0 이상의 정수" in negative.text


async def test_a_viewer_sees_stock_and_history_without_forms_and_is_refused(stock: Stock) -> None:
    await stock.pool.execute("UPDATE stock SET safety = 1 WHERE sku = 'G-7'")
    async with stock.console.browser() as browser:
        await browser.sign_in(VIEWER)
        moves = await browser.client.get("/allocate/moves")
        listed = await browser.client.get("/allocate")
        posts = [
            await browser.post_form(path, data)
            for path, data in (
                ("/allocate/moves", {"reason": "RECEIPT", "sku": "G-7", "quantity": "1"}),
                ("/allocate/upload", {"reason": "RECEIPT"}),
                ("/allocate/safety", {"safety_lines": "G-7,0"}),
                ("/allocate/safety/release", {"sku": "G-7"}),
            )
        ]
        template = await browser.client.get("/allocate/upload/template")

    assert moves.status_code == 200 and ("G-7", "실사", "+5") in _history(moves.text)
    assert listed.status_code == 200 and 'class="safety">1</td>' in listed.text
    assert not any(form in moves.text + listed.text for form in FORMS)
    assert 'class="change"' not in moves.text and 'class="change"' not in listed.text
    assert [p.status_code for p in posts] == [403, 403, 403, 403]
    assert "조회 전용 계정은 바꿀 수 없습니다" in posts[0].text
    assert template.status_code == 200
    assert (await stock.levels())["G-7"] == (5, 0, 1)
    assert len(await stock.moves()) == 1  # the fixture's 실사 of G-7 only
