"""주문등록 through the console, against the collector's real routes on PostgreSQL: one order
by form, an Excel upload whose problems are shown against the file's rows, today's counts,
and deleting an uploaded batch; bad input and a viewer's change are refused."""

import html
import io
import re
from typing import Any

from openpyxl import Workbook, load_workbook

from services.console.tests.integration.console_harness import Browser
from services.console.tests.integration.work_services import OPERATOR, VIEWER, work_console

HEADER = ["판매처", "주문번호", "수취인명", "수취인 연락처", "주소", "상품명", "수량", "금액"]
ORDER = {
    "marketplace": "OWN_SHOP",
    "order_id": "OWN-1",
    "paid_at": "2026-11-30T10:15",
    "name": "김민준",
    "mobile": "010-1234-5678",
    "address1": "서울 강남구 테헤란로 1",
    "product_name": "유기농 현미 5kg",
    "listing_id": "RICE",
    "quantity": "2",
    "unit_price": "16000",
}


def _xlsx(*rows: list[Any]) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("주문")
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _row(order_id: str, quantity: Any = 1) -> list[Any]:
    return ["쿠팡", order_id, "이서연", "010-2222-3333", "부산 해운대구 1", "현미", quantity, 9900]


async def _upload(browser: Browser, content: bytes) -> Any:
    token = await browser.csrf("/register")
    return await browser.client.post(
        "/register/excel",
        data={"csrf_token": token},
        files={"orders": ("orders.xlsx", content)},
        follow_redirects=True,
    )


async def test_one_order_by_form_is_registered_once_and_counted_today(new_schema: Any) -> None:
    async with work_console(new_schema) as work, work.console.browser() as operator:
        await operator.sign_in(OPERATOR)
        first = await operator.post_form("/register/order", ORDER)
        again = await operator.post_form("/register/order", ORDER)
        bad_number = await operator.post_form("/register/order", {**ORDER, "quantity": "두 개"})
        bad_phone = await operator.post_form(
            "/register/order", {**ORDER, "order_id": "OWN-2", "mobile": "전화 없음"}
        )

    assert first.status_code == 200
    assert "자사몰 주문 OWN-1을(를) 등록했습니다." in html.unescape(first.text)
    counts = re.search(r'id="today-counts">.*?<tbody>(.*?)</tbody>', first.text, re.S)
    assert counts and re.sub(r"\s+", "", counts.group(1)) == "<tr><td>자사몰</td><td>1</td></tr>"
    assert "이미 등록된 주문입니다" in html.unescape(again.text)
    assert bad_number.status_code == 422 and "수량: 숫자를 입력하세요." in bad_number.text
    assert bad_phone.status_code == 422
    assert "recipient.mobile" in bad_phone.text  # the collector names the field


async def test_an_upload_with_problems_shows_them_against_the_rows(new_schema: Any) -> None:
    content = _xlsx(_row("C-1"), _row("C-2", "많이"), _row("C-3"))
    async with work_console(new_schema) as work, work.console.browser() as operator:
        await operator.sign_in(OPERATOR)
        page = await _upload(operator, content)
        today = await operator.client.get("/register")

    assert page.status_code == 422
    errors = re.search(r'id="row-errors">(.*?)</table>', page.text, re.S)
    assert errors, page.text[:3000]
    row = re.search(r"<tr><td>(\d+)</td><td class=\"error\">([^<]+)</td>", errors.group(1))
    assert row and row.groups() == ("3", "수량")  # the header is row 1: C-2 is row 3
    assert '<span class="bad-cell" title="수량">많이</span>' in errors.group(1)
    assert "C-2" in errors.group(1)  # the row's own cells, to find it in the file
    assert "오늘 등록된 주문이 없습니다" in today.text  # all or nothing


async def test_an_uploaded_batch_is_deleted_with_its_orders(new_schema: Any) -> None:
    async with work_console(new_schema) as work, work.console.browser() as operator:
        await operator.sign_in(OPERATOR)
        uploaded = await _upload(operator, _xlsx(_row("C-1"), _row("C-2")))
        batch = re.search(r'<tr data-batch="([0-9a-f-]{36})">', uploaded.text)
        assert batch, uploaded.text[:3000]
        deleted = await operator.post_form("/register/batches/delete", {"batch_id": batch.group(1)})
        unknown = await operator.post_form(
            "/register/batches/delete", {"batch_id": "00000000-0000-0000-0000-000000000000"}
        )
        not_a_number = await operator.post_form("/register/batches/delete", {"batch_id": "12"})
        empty = await _upload(operator, b"")

    assert uploaded.status_code == 200
    assert "주문 2건, 새로 등록 2건" in uploaded.text
    assert "<td>쿠팡</td><td>2</td>" in re.sub(r"\s+", "", uploaded.text).replace("<td>", "<td>")
    assert "<td>2 / 2</td>" in uploaded.text  # listed: orders left / registered
    assert deleted.status_code == 200 and "주문 2건을 삭제했습니다" in deleted.text
    assert "엑셀로 등록한 주문이 없습니다" in deleted.text  # gone from the list
    assert "오늘 등록된 주문이 없습니다" in deleted.text
    assert unknown.status_code == 404 and "그런 엑셀 등록이 없습니다" in unknown.text
    assert not_a_number.status_code == 422
    assert empty.status_code == 400 and "빈 파일" in empty.text


async def test_a_viewer_sees_the_counts_and_can_change_nothing(new_schema: Any) -> None:
    async with work_console(new_schema) as work, work.console.browser() as viewer:
        await viewer.sign_in(VIEWER)
        page = await viewer.client.get("/register")
        refused = await viewer.post_form("/register/order", ORDER)
        upload = await _upload(viewer, _xlsx(_row("C-1")))

    assert page.status_code == 200 and 'id="today-counts"' in page.text
    assert 'class="change' not in page.text and 'action="/register/' not in page.text
    assert refused.status_code == 403 and "조회 전용" in refused.text
    assert upload.status_code == 403


async def test_the_upload_template_comes_from_the_collector(new_schema: Any) -> None:
    async with work_console(new_schema) as work, work.console.browser() as viewer:
        await viewer.sign_in(OPERATOR)
        page = await viewer.client.get("/register")
        xlsx_file = await viewer.client.get("/register/template")
        csv_file = await viewer.client.get("/register/template", params={"format": "csv"})
        odd = await viewer.client.get("/register/template", params={"format": "pdf"})

    assert 'href="/register/template"' in page.text
    assert xlsx_file.status_code == 200 and xlsx_file.content[:2] == b"PK"
    sheet = load_workbook(io.BytesIO(xlsx_file.content)).active
    assert sheet is not None and "주문번호" in [c.value for c in next(sheet.iter_rows())]
    assert csv_file.status_code == 200 and "주문번호" in csv_file.content.decode("utf-8-sig")
    assert odd.status_code == 422


async def test_the_page_names_the_accepted_files_and_an_unknown_file_gets_their_headers(
    new_schema: Any,
) -> None:
    async with work_console(new_schema) as work, work.console.browser() as operator:
        await operator.sign_in(OPERATOR)
        page = await operator.client.get("/register")
        unknown = await _upload(operator, "창고,품번\r\nA,1\r\n".encode())

    accepted = re.search(r'id="accepted-files">(.*?)</p>', page.text, re.S)
    assert accepted, page.text[:3000]
    for name in ("쿠팡 WING", "네이버 스마트스토어", "11번가", "Packline 양식"):
        assert name in accepted.group(1)
    assert unknown.status_code == 422
    expected = re.search(r'id="expected">(.*?)</table>', unknown.text, re.S)
    assert expected, unknown.text[:3000]
    cells = html.unescape(expected.group(1))
    for header in ("묶음배송번호", "상품주문번호", "배송번호", "판매처"):
        assert header in cells
