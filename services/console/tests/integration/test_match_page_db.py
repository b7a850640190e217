"""매칭 through the console, against the matcher's real routes on PostgreSQL: a catalogue
upload, the unmatched queue with the matcher's suggestions, one click to map (remembered),
a set mapping with quantities, the mapping review list with delete (its orders go back to the
queue) and its Excel; bad input and a viewer's change are refused."""

import html
import io
import re
from typing import Any

import openpyxl
from openpyxl import Workbook

from packline_launcher.testing import collected, line
from packline_matcher.service_layer import suggestions, use_cases
from packline_runtime.unit_of_work import unit_of_work
from services.console.tests.integration.console_harness import Browser
from services.console.tests.integration.work_services import OPERATOR, VIEWER, Work, work_console


def _catalogue(*rows: tuple[Any, ...]) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("상품")
    sheet.append(["상품코드", "상품명", "옵션"])
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


async def _waiting(work: Work) -> None:
    """Three orders wait: two of a rice listing, one of an egg-and-rice set listing."""
    rice = line("9001", "90011").model_copy(
        update={"product_name": "[특가] 유기농 현미 햅쌀", "option_name": "5kg"}
    )
    gift = line("9002", "").model_copy(update={"product_name": "현미 + 계란 선물세트"})
    orders = [collected(1, rice), collected(2, rice), collected(3, gift)]
    async with unit_of_work(work.matcher) as uow:
        await use_cases.handle_events(uow, orders)


async def _upload(browser: Browser, content: bytes) -> Any:
    token = await browser.csrf("/match")
    return await browser.client.post(
        "/match/catalogue",
        data={"csrf_token": token},
        files={"catalogue": ("c.xlsx", content)},
        follow_redirects=True,
    )


async def test_a_suggestion_maps_in_one_click_and_a_set_maps_with_quantities(
    new_schema: Any,
) -> None:
    async with work_console(new_schema) as work, work.console.browser() as operator:
        await _waiting(work)
        while await suggestions.refresh(work.matcher):  # suggested before the catalogue came
            pass
        await operator.sign_in(OPERATOR)
        uploaded = await _upload(
            operator, _catalogue(("RICE-5", "유기농 현미 햅쌀", "5kg"), ("EGG-10", "계란", "10구"))
        )
        while await suggestions.refresh(work.matcher):  # the matcher's background job
            pass
        queue = await operator.client.get("/match")
        one_click = re.search(
            r'<form method="post" action="/match/map" class="inline">(.*?)</form>', queue.text, re.S
        )
        assert one_click, queue.text[:3000]
        fields = dict(re.findall(r'name="(\w+)" value="([^"]*)"', one_click.group(1)))
        mapped = await operator.post_form("/match/map", fields)
        set_mapped = await operator.client.post(
            "/match/map",
            data={
                "csrf_token": await operator.csrf("/match"),
                "marketplace": "COUPANG",
                "listing_id": "9002",
                "option_id": "",
                "sku": ["EGG-10", "RICE-5", ""],
                "quantity": ["2", "1", "1"],
            },
            follow_redirects=True,
        )
        listed = await operator.client.get("/match/mappings?multi=1")
        export = await operator.client.get("/match/mappings?format=xlsx")

    assert uploaded.status_code == 200 and "상품(SKU) 2개를 등록했습니다" in uploaded.text
    assert "기억되어" in queue.text  # the page says a mapping is remembered
    assert fields["sku"] == "RICE-5" and fields["listing_id"] == "9001"
    assert mapped.status_code == 200
    assert "주문 2건이 다음 단계로 넘어갔고" in mapped.text
    assert 'data-listing="9001"' not in mapped.text  # both orders left the queue
    assert "주문 1건이 다음 단계로" in set_mapped.text
    assert "EGG-10 × 2, RICE-5 × 1" in listed.text and "<td>RICE-5 × 1</td>" not in listed.text
    sheet = openpyxl.load_workbook(io.BytesIO(export.content)).active
    assert sheet is not None
    assert sorted(r[3] for r in sheet.iter_rows(min_row=2, values_only=True)) == [
        "EGG-10 × 2, RICE-5 × 1",
        "RICE-5 × 1",
    ]
    assert [r[4] for r in sheet.iter_rows(min_row=2, values_only=True)] == [OPERATOR] * 2


async def test_deleting_a_mapping_sends_its_orders_back_to_matching(new_schema: Any) -> None:
    async with work_console(new_schema) as work, work.console.browser() as operator:
        await _waiting(work)
        await operator.sign_in(OPERATOR)
        await _upload(operator, _catalogue(("RICE-5", "현미", "5kg")))
        base = {"marketplace": "COUPANG", "listing_id": "9001", "option_id": "90011"}
        await operator.post_form("/match/map", {**base, "sku": "RICE-5", "quantity": "1"})
        deleted = await operator.post_form(
            "/match/mappings/delete", {**base, "reason": "옵션 착오"}
        )
        again = await operator.post_form("/match/mappings/delete", base)
        queue = await operator.client.get("/match")

    assert deleted.status_code == 200
    assert "주문 2건이 매칭 대기로 돌아갔습니다" in deleted.text
    assert again.status_code == 404 and "그런 매칭이 없습니다" in again.text
    assert queue.text.count('data-listing="9001"') == 2


async def test_bad_mappings_and_files_get_korean_messages(new_schema: Any) -> None:
    async with work_console(new_schema) as work, work.console.browser() as operator:
        await _waiting(work)
        await operator.sign_in(OPERATOR)
        base = {"marketplace": "COUPANG", "listing_id": "9001", "option_id": "90011"}
        unknown = await operator.post_form("/match/map", {**base, "sku": "NOPE", "quantity": "1"})
        no_sku = await operator.post_form("/match/map", {**base, "sku": " "})
        bad_qty = await operator.post_form("/match/map", {**base, "sku": "A", "quantity": "x"})
        bad_file = await _upload(operator, _catalogue(("", "이름만", ""), ("OK-1", "", "")))
        not_excel = await _upload(operator, b"just text")

    assert unknown.status_code == 422 and "매칭: 입력값을 확인하세요." in unknown.text
    assert no_sku.status_code == 422 and "SKU를 하나 이상" in no_sku.text
    assert bad_qty.status_code == 422 and "A의 수량: 숫자를 입력하세요." in bad_qty.text
    assert bad_file.status_code == 422
    errors = re.findall(r"<tr><td>(\d+)</td><td class=\"error\">([^<]*)</td>", bad_file.text)
    assert [row for row, _ in errors] == ["2", "3"]
    assert not_excel.status_code == 422 and "error" in not_excel.text


async def test_a_viewer_sees_the_queue_without_buttons_and_is_refused(new_schema: Any) -> None:
    async with work_console(new_schema) as work, work.console.browser() as viewer:
        await _waiting(work)
        await viewer.sign_in(VIEWER)
        queue = await viewer.client.get("/match")
        mappings = await viewer.client.get("/match/mappings")
        refused = await viewer.post_form(
            "/match/map",
            {"marketplace": "COUPANG", "listing_id": "9001", "sku": "RICE-5"},
        )

    assert html.unescape(queue.text).count('data-listing="9001"') == 2
    assert 'class="change' not in queue.text and 'class="change' not in mappings.text
    assert refused.status_code == 403 and "조회 전용" in refused.text
