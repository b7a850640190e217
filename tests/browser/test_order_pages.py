"""주문수집, 주문등록, 매칭 and 합포 in a real browser against a running stack, as a seller
walks them: one order typed in, an Excel with a mistake (its row and column shown), the fixed
Excel, a catalogue, one click on the matcher's suggestion (all three orders move on), the
확인필요 pair that follows side by side, 합포 and 합포처리; a viewer sees no change button.
A screenshot of each page is kept."""

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook
from playwright.sync_api import Browser, Page, expect

from packline_launcher.console_users import create_user
from packline_launcher.stack import CONSOLE, Stack
from packline_runtime.tokens import Role
from tests.browser.helpers import signed_in
from tests.e2e.helpers import wait_until

pytestmark = [pytest.mark.e2e, pytest.mark.browser]
SELLER = "seller-p1"
PASSWORD = "order pages password"
OWNER, VIEWER = "owner@p1.packline.test", "viewer@p1.packline.test"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER = [
    "판매처",
    "주문번호",
    "수취인명",
    "수취인 연락처",
    "주소",
    "상품명",
    "상품코드",
    "수량",
    "금액",
]
ADDRESS = "서울특별시 마포구 월드컵로 10"


def _xlsx(header: list[str], *rows: list[Any]) -> dict[str, Any]:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("시트")
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return {"name": "upload.xlsx", "mimeType": XLSX, "buffer": out.getvalue()}


def _row(order_id: str, mobile: str, quantity: Any = 1) -> list[Any]:
    return [
        "쿠팡",
        order_id,
        "이서연",
        mobile,
        ADDRESS,
        "유기농 현미 햅쌀 5kg",
        "R-5",
        quantity,
        16000,
    ]


@pytest.fixture(scope="module")
def stack(console_stack: Stack) -> Iterator[Stack]:
    running = console_stack
    assert create_user(running, OWNER, SELLER, Role.OWNER, PASSWORD)
    assert create_user(running, VIEWER, SELLER, Role.VIEWER, PASSWORD)
    yield running


def _signed_in(browser: Browser, stack: Stack, email: str) -> Page:
    return signed_in(browser, stack, email, PASSWORD)


def _open_until(page: Page, url: str, selector: str, what: str, artifacts: Path) -> None:
    """Opens `url` (a GET: reloading the answer to a form would send the form again) until
    `selector` shows."""

    def shown() -> bool:
        page.goto(url)
        return page.locator(selector).count() > 0

    try:
        wait_until(what, shown, 60, every=1.0)
    except AssertionError:
        page.screenshot(path=str(artifacts / "order-pages-timeout.png"), full_page=True)
        raise


def test_a_seller_registers_maps_and_bundles(
    stack: Stack, browser: Browser, artifacts: Path
) -> None:
    page = _signed_in(browser, stack, OWNER)
    page.click("nav.menus >> text=주문수집")
    expect(page.locator("h1")).to_have_text("주문수집")
    expect(page.locator("details.add-account")).to_be_visible()  # the owner may add accounts
    page.screenshot(path=str(artifacts / "collect.png"), full_page=True)

    page.click("nav.menus >> text=주문등록")
    form = page.locator("#one form")
    form.locator("select[name=marketplace]").select_option("COUPANG")
    for name, value in (
        ("order_id", "WEB-1"),
        ("name", "김민준"),
        ("mobile", "010-1111-2222"),
        ("address1", "서울 강남구 테헤란로 1"),
        ("product_name", "유기농 현미 햅쌀 5kg"),
        ("listing_id", "R-5"),
        ("unit_price", "16000"),
    ):
        form.locator(f"input[name={name}]").fill(value)
    form.locator("button[type=submit]").click()
    expect(page.locator(".notice-ok")).to_contain_text("주문 WEB-1을(를) 등록했습니다")
    expect(page.locator("#today-counts")).to_contain_text("쿠팡")

    upload = page.locator("#excel input[name=orders]")
    upload.set_input_files(
        _xlsx(HEADER, _row("E-1", "010-3333-4444"), _row("E-2", "010-5555-6666", "두개"))
    )
    page.click("#excel button[type=submit]")
    expect(page.locator("#row-errors .bad-cell")).to_have_text("두개")
    page.screenshot(path=str(artifacts / "register-errors.png"), full_page=True)
    upload = page.locator("#excel input[name=orders]")
    upload.set_input_files(
        _xlsx(HEADER, _row("E-1", "010-3333-4444"), _row("E-2", "010-5555-6666"))
    )
    page.click("#excel button[type=submit]")
    expect(page.locator(".notice-ok")).to_contain_text("새로 등록 2건")
    expect(page.locator("#batches tr[data-batch]")).to_have_count(1)  # the upload, listed
    expect(page.locator("#batches")).to_contain_text("2 / 2")
    page.screenshot(path=str(artifacts / "register.png"), full_page=True)

    page.click("nav.menus >> text=매칭")
    catalogue = _xlsx(["상품코드", "상품명", "옵션"], ["RICE-5", "유기농 현미 햅쌀", "5kg"])
    page.locator("#catalogue input[name=catalogue]").set_input_files(catalogue)
    page.click("#catalogue button[type=submit]")
    expect(page.locator(".notice-ok")).to_contain_text("상품(SKU) 1개를 등록했습니다")
    _open_until(
        page,
        f"{stack.url(CONSOLE)}/match",
        "button.suggestion",
        "the matcher suggests a SKU for the waiting line",
        artifacts,
    )
    expect(page.locator('tr[data-listing="R-5"]')).to_have_count(3)
    expect(page.locator(".remembered")).to_contain_text("기억되어")
    page.screenshot(path=str(artifacts / "match.png"), full_page=True)
    page.locator("button.suggestion").first.click()
    expect(page.locator(".notice-ok")).to_contain_text("주문 3건이 다음 단계로")
    page.click("nav.tabs >> text=매칭 내역")
    expect(page.locator("#mapping-list")).to_contain_text("RICE-5 × 1")
    page.screenshot(path=str(artifacts / "match-mappings.png"), full_page=True)

    page.click("nav.menus >> text=합포")
    _open_until(
        page,
        f"{stack.url(CONSOLE)}/bundle",
        "article.pair",
        "the bundler asks about the two orders of 이서연",
        artifacts,
    )
    pair = page.locator("article.pair").first
    expect(pair.locator('dd.differs[data-field="mobile"]')).to_have_count(2)
    page.screenshot(path=str(artifacts / "bundle.png"), full_page=True)
    pair.locator("button.merge").click()
    expect(page.locator(".notice-ok")).to_contain_text("합포했습니다")
    page.click("#seal button[type=submit]")
    expect(page.locator(".notice-ok")).to_contain_text("합포처리")
    page.screenshot(path=str(artifacts / "bundle-sealed.png"), full_page=True)
    page.close()


def test_a_viewer_sees_the_order_pages_without_change_buttons(
    stack: Stack, browser: Browser, artifacts: Path
) -> None:
    page = _signed_in(browser, stack, VIEWER)
    for path in ("/collect", "/register", "/match", "/match/mappings", "/bundle"):
        page.goto(f"{stack.url(CONSOLE)}{path}")
        expect(page.locator("h1")).to_be_visible()
        expect(page.locator(".change")).to_have_count(0)
        name = path.strip("/").replace("/", "-")
        page.screenshot(path=str(artifacts / f"viewer-{name}.png"), full_page=True)
    page.close()
