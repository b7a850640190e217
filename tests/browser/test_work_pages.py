"""할당 · 송장 · 배송 · CS in a real browser against a running stack: a seller sets stock, runs
할당처리 and records a 입고, adds a courier account as the default with 가배송, downloads the
courier file for a bundle the allocator handed on, looks through the shipping lists and tries a
cancellation; a viewer sees no change buttons on these pages. A screenshot of each page is kept."""

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from aiokafka import AIOKafkaProducer
from playwright.sync_api import Browser, Page, expect

from packline_contracts import SkuLine, StockAllocated, partition_key, topic_for
from packline_launcher.console_users import create_user
from packline_launcher.stack import CONSOLE, Stack
from packline_launcher.testing import bundle, collected, matched
from packline_runtime.tokens import Role
from tests.browser.helpers import run_async, signed_in
from tests.e2e.helpers import wait_until

pytestmark = [pytest.mark.e2e, pytest.mark.browser]
SELLER = "seller-w1"
PASSWORD = "browser test password"
OWNER, VIEWER = "owner@w1.packline.test", "viewer@w1.packline.test"


async def _publish(bootstrap: str, event: StockAllocated) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap)
    await producer.start()
    try:
        await producer.send_and_wait(
            topic_for(event).value,
            value=event.model_dump_json().encode(),
            key=partition_key(event).encode(),
        )
    finally:
        await producer.stop()


def _allocated() -> StockAllocated:
    box = bundle(matched(collected(1, seller=SELLER), {"A": 1}))
    return StockAllocated(
        **box.follow_up(),
        bundle_id=box.bundle_id,
        recipient=box.recipient,
        members=box.members,
        allocated=(SkuLine(sku="A", quantity=1),),
    )


def _awaiting(stack: Stack) -> int:
    answer = httpx.get(
        f"{stack.url('waybill')}/waybills",
        params={"status": "AWAITING", "seller_id": SELLER},
        headers={"authorization": f"Bearer {stack.token(SELLER)}"},
        timeout=10,
    )
    return len(answer.json().get("items", [])) if answer.status_code == 200 else 0


@pytest.fixture(scope="module")
def stack(console_stack: Stack) -> Iterator[Stack]:
    running = console_stack
    assert create_user(running, OWNER, SELLER, Role.OWNER, PASSWORD)
    assert create_user(running, VIEWER, SELLER, Role.VIEWER, PASSWORD)
    yield running


def _signed_in(browser: Browser, stack: Stack, email: str) -> Page:
    return signed_in(browser, stack, email, PASSWORD, downloads=True)


def _shot(page: Page, artifacts: Path, name: str) -> None:
    page.screenshot(path=str(artifacts / f"{name}.png"), full_page=True)


def test_a_seller_works_through_allocate_waybill_shipping_and_cs(
    stack: Stack, browser: Browser, artifacts: Path
) -> None:
    page = _signed_in(browser, stack, OWNER)
    page.click("nav.menus >> text=할당")
    page.fill("textarea[name=lines]", "SKU,수량\nA,5\nB,0")
    page.click("#save-stock")
    expect(page.locator(".notice-ok")).to_contain_text("재고 2건을 저장했습니다")
    expect(page.locator("#stock")).to_contain_text("A")
    page.click("#run-wave")
    expect(page.locator(".notice-ok")).to_contain_text("할당처리: 묶음 0건")
    _shot(page, artifacts, "allocate")
    page.click("#to-moves")
    moves = page.locator("#move-form")
    moves.locator("select[name=reason]").select_option(label="입고")
    moves.locator("input[name=sku]").fill("B")
    moves.locator("input[name=quantity]").fill("4")
    moves.locator("#save-moves").click()
    expect(page.locator(".notice-ok")).to_contain_text("입고 · SKU 1건을 반영했습니다 (B +4")
    expect(page.locator("#movements tbody tr").first).to_contain_text("입고")
    _shot(page, artifacts, "allocate-moves")

    page.click("nav.menus >> text=송장")
    page.click("text=택배 계정 · 대역 · 설정")
    form = page.locator("#account-form")
    form.locator("select[name=courier_code]").select_option("CJGLS")
    form.locator("input[name=name]").fill("CJ 본사")
    form.locator("input[name=sender_name]").fill("팩라인상사")
    form.locator("input[name=sender_phone]").fill("02-123-4567")
    form.locator("input[name=sender_address]").fill("서울 중구 세종대로 1")
    form.locator("input[name=sender_postcode]").fill("04524")
    form.locator("button[type=submit]").click()
    expect(page.locator(".notice-ok")).to_contain_text("CJ 본사")
    settings = page.locator("#settings-form")
    settings.locator("select[name=default_account_id]").select_option(label="CJ 본사 (CJ대한통운)")
    settings.locator("input[name=pre_shipment_push]").check()
    settings.locator("button[type=submit]").click()
    expect(page.locator(".notice-ok")).to_contain_text("가배송: 켜짐")
    _shot(page, artifacts, "waybill-accounts")

    run_async(_publish(stack.kafka_bootstrap, _allocated()))
    wait_until(
        "the waybill service holds the bundle awaiting a number", lambda: _awaiting(stack) == 1, 120
    )
    page.goto(f"{stack.url(CONSOLE)}/waybill")
    expect(page.locator("#waybills tbody tr")).to_have_count(1)
    with page.expect_download() as download:
        page.locator("#export-form button[type=submit]").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    page.goto(f"{stack.url(CONSOLE)}/waybill")
    expect(page.locator("#exports tbody tr")).to_have_count(1)
    _shot(page, artifacts, "waybill")

    page.click("nav.menus >> text=배송")
    expect(page.locator("nav.tabs a.active").first).to_have_text("출고 현황")
    _shot(page, artifacts, "shipping")
    page.click("text=송장 전송(판매처)")
    expect(page.locator("#shipping-list th").first).to_have_text("판매처")
    _shot(page, artifacts, "shipping-pushes")
    page.click("text=상태 불일치")
    expect(page.locator("#reconciliation")).to_be_visible()
    _shot(page, artifacts, "shipping-mismatches")

    page.click("nav.menus >> text=CS")
    cancel = page.locator("#cancel-form")
    cancel.locator("input[name=order_id]").fill("404-NOT-HERE")
    cancel.locator("button[type=submit]").click()
    expect(page.locator(".error")).to_contain_text("찾는 항목이 없습니다")
    _shot(page, artifacts, "cs-cancel")
    page.click("text=처리 실패(데드레터)")
    expect(page.locator("#dead-letters")).to_be_visible()
    _shot(page, artifacts, "cs-dead-letters")
    page.close()


def test_a_viewer_sees_these_pages_without_change_buttons(
    stack: Stack, browser: Browser, artifacts: Path
) -> None:
    page = _signed_in(browser, stack, VIEWER)
    for path in (
        "/allocate",
        "/allocate/moves",
        "/waybill",
        "/shipping?view=pushes",
        "/cs",
        "/cs?view=dead",
    ):
        page.goto(f"{stack.url(CONSOLE)}{path}")
        expect(page.locator("h1")).to_be_visible()
        expect(page.locator(".change")).to_have_count(0)
    _shot(page, artifacts, "viewer-cs-dead-letters")
    page.goto(f"{stack.url(CONSOLE)}/waybill/accounts")
    expect(page.locator("main")).to_contain_text("대표(소유자)만")
    page.close()
