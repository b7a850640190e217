"""The console in a real browser against a running stack: a seller signs in, sees the
dashboard's counts, scans a READY parcel (정상 출고) and one whose order was cancelled
(출고 중지); a viewer sees no change buttons. A screenshot of each page is kept."""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaProducer
from playwright.sync_api import Browser, Page, expect

from packline_contracts import Event, OrderCancelled, WaybillIssued, partition_key, topic_for
from packline_launcher.console_users import create_user, demo_owner, sign_in_lines
from packline_launcher.stack import CONSOLE, Stack
from packline_launcher.testing import bundle, collected, matched
from packline_runtime.tokens import Role
from tests.browser.helpers import run_async, signed_in
from tests.e2e.helpers import wait_until

pytestmark = [pytest.mark.e2e, pytest.mark.browser]
SELLER = "seller-b1"
PASSWORD = "browser test password"
READY, CANCELLED_ONE = "300000000006", "300000000020"
OWNER, VIEWER = "owner@b1.packline.test", "viewer@b1.packline.test"


def _issued(number: str, order: int) -> WaybillIssued:
    box = bundle(matched(collected(order, seller=SELLER), {"A": 1}))
    return WaybillIssued(
        **box.follow_up(),
        bundle_id=box.bundle_id,
        courier_code="CJGLS",
        tracking_number=number,
        recipient=box.recipient,
        members=box.members,
    )


async def _publish(bootstrap: str, events: list[Event]) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap)
    await producer.start()
    try:
        for event in events:
            await producer.send_and_wait(
                topic_for(event).value,
                value=event.model_dump_json().encode(),
                key=partition_key(event).encode(),
            )
    finally:
        await producer.stop()


def _shipper_stats(stack: Stack) -> dict[str, Any]:
    headers = {"authorization": f"Bearer {stack.token(SELLER)}"}
    answer = httpx.get(f"{stack.url('shipper')}/stats", headers=headers, timeout=10)
    return dict(answer.json()) if answer.status_code == 200 else {}


@pytest.fixture(scope="module")
def stack(console_stack: Stack) -> Iterator[Stack]:
    """Two labels issued for the seller (the waybill stage's event, as the waybill service
    would publish it), the second one's order then cancelled by the buyer (its box stopped)."""
    running = console_stack
    cancelled = collected(2, seller=SELLER)
    events: list[Event] = [
        _issued(READY, 1),
        _issued(CANCELLED_ONE, 2),
        OrderCancelled(
            **cancelled.follow_up(),
            order=cancelled.order,
            recipient_key=cancelled.recipient_key,
        ),
    ]
    run_async(_publish(running.kafka_bootstrap, events))
    wait_until(
        "the shipper holds both parcels, the cancelled one stopped",
        lambda: (lambda st: (st.get("ready"), st.get("stopped")) == (1, 1))(
            _shipper_stats(running)
        ),
        120,
    )
    assert create_user(running, OWNER, SELLER, Role.OWNER, PASSWORD)
    assert create_user(running, VIEWER, SELLER, Role.VIEWER, PASSWORD)
    yield running


def _signed_in(browser: Browser, stack: Stack, email: str, artifacts: Path | None = None) -> Page:
    shot = None if artifacts is None else artifacts / "login.png"
    return signed_in(browser, stack, email, PASSWORD, login_shot=shot)


def _tile(page: Page, label: str) -> str:
    return page.locator(f'a[data-stage="{label}"] .tile-count').inner_text()


def test_a_seller_signs_in_sees_counts_and_scans(
    stack: Stack, browser: Browser, artifacts: Path
) -> None:
    page = _signed_in(browser, stack, OWNER, artifacts)
    expect(page.locator("header .seller")).to_have_text(SELLER)
    expect(page.locator('a[data-stage="출고 대기"] .tile-count')).to_have_text("1")
    # the cancelled order's box was stopped before anyone scanned it: a person must see it
    expect(page.locator('a[data-attention="출고 중지 박스"] .tile-count')).to_have_text("1")
    assert _tile(page, "합포 대기") == "0"  # a status with no rows is a zero, not a blank
    expect(page.locator("svg.funnel")).to_be_visible()
    page.screenshot(path=str(artifacts / "dashboard.png"), full_page=True)

    page.click("nav.menus >> text=배송")
    page.click("nav.tabs >> text=출고 스캔")
    scan_input = page.locator("#scan-input")
    expect(scan_input).to_be_focused()
    page.keyboard.type(READY)
    page.keyboard.press("Enter")
    verdict = page.locator("#verdict")
    expect(verdict).to_have_attribute("data-kind", "ok")
    expect(verdict.locator(".verdict-label")).to_have_text("정상 출고")
    page.screenshot(path=str(artifacts / "scan-ok.png"), full_page=True)
    expect(scan_input).to_be_focused()  # the next scan needs no click
    page.keyboard.type(CANCELLED_ONE)
    page.keyboard.press("Enter")
    expect(verdict).to_have_attribute("data-kind", "stop")
    expect(verdict.locator(".verdict-label")).to_have_text("출고 중지")
    expect(page.locator("#scan-log tbody tr")).to_have_count(2)
    page.screenshot(path=str(artifacts / "scan-stop.png"), full_page=True)

    page.goto(f"{stack.url(CONSOLE)}/dashboard")
    assert _tile(page, "출고 완료") == "1"
    page.goto(f"{stack.url(CONSOLE)}/settings/users")
    expect(page.locator("#users")).to_contain_text(VIEWER)
    page.screenshot(path=str(artifacts / "users.png"), full_page=True)
    page.goto(f"{stack.url(CONSOLE)}/soon/match")
    expect(page.locator(".soon")).to_contain_text("아직 만들어지지 않았습니다")
    page.close()


def test_a_viewer_sees_no_change_buttons(stack: Stack, browser: Browser, artifacts: Path) -> None:
    page = _signed_in(browser, stack, VIEWER)
    expect(page.locator(".change")).to_have_count(0)
    page.screenshot(path=str(artifacts / "viewer-dashboard.png"), full_page=True)
    page.goto(f"{stack.url(CONSOLE)}/shipping/scan")
    expect(page.locator(".readonly")).to_be_visible()
    expect(page.locator(".change")).to_have_count(0)
    expect(page.locator("#scan-input")).to_have_count(0)
    page.screenshot(path=str(artifacts / "viewer-scan.png"), full_page=True)
    page.close()


def test_the_demo_owner_is_made_once_and_signs_in_with_the_printed_password(
    stack: Stack, browser: Browser
) -> None:
    lines = sign_in_lines(stack, "seller-demo")
    printed = next(line for line in lines if "sign in as" in line)
    email, password = printed.split("sign in as ")[1].split("  password: ")
    again = demo_owner(stack, "seller-demo")

    assert lines[0].startswith(f"console      {stack.url(CONSOLE)}")
    assert email == "owner@seller-demo.packline.test"
    assert again == (email, None)  # made before: its password stays the one printed
    page = browser.new_page()
    page.goto(f"{stack.url(CONSOLE)}/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password.strip())
    page.click("button[type=submit]")
    expect(page.locator("header .seller")).to_have_text("seller-demo")
    page.close()
