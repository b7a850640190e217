"""The console's 대시보드 tiles, 설정 and SRE pages in a real browser against a running stack:
the owner sees the attention tiles, today's funnel and the oldest waiting items, sets the 합포 마감 cut-off
times and a 합포 제외; a viewer sees the settings with no change buttons; the SRE sees six
charts that the page's script refreshes as samples arrive. A screenshot of each page is kept."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from packline_launcher.console_users import create_user
from packline_launcher.stack import CONSOLE, Stack
from packline_runtime.tokens import Role
from tests.browser.helpers import signed_in

pytestmark = [pytest.mark.e2e, pytest.mark.browser]
SELLER = "seller-c1"
PASSWORD = "browser test password"
OWNER, VIEWER, SRE = "owner@c1.packline.test", "viewer@c1.packline.test", "sre@packline.test"


@pytest.fixture(scope="module")
def stack(console_stack: Stack) -> Iterator[Stack]:
    running = console_stack
    assert create_user(running, OWNER, SELLER, Role.OWNER, PASSWORD)
    assert create_user(running, VIEWER, SELLER, Role.VIEWER, PASSWORD)
    assert create_user(running, SRE, None, Role.SRE, PASSWORD)
    yield running


def _signed_in(browser: Browser, stack: Stack, email: str) -> Page:
    return signed_in(browser, stack, email, PASSWORD)


def test_the_owner_reads_the_dashboard_and_sets_sealing(
    stack: Stack, browser: Browser, artifacts: Path
) -> None:
    page = _signed_in(browser, stack, OWNER)
    expect(page.locator('a[data-attention="마켓 송장 미전송"]')).to_have_attribute(
        "href", "/shipping"
    )
    expect(page.locator("#oldest tbody tr")).to_have_count(10)  # every queue of every stage
    expect(page.locator("#funnel-basis")).to_contain_text("오늘 00:00(한국 시간)부터")
    page.screenshot(path=str(artifacts / "dashboard-attention.png"), full_page=True)

    page.click("nav.menus >> text=설정")
    expect(page).to_have_url(f"{stack.url(CONSOLE)}/settings")
    page.select_option("select[name=mode]", "CUTOFF")
    page.fill("input[name=cutoffs]", "10:00,14:00")
    page.click("text=합포 마감 저장")
    expect(page.locator(".notice-ok")).to_contain_text("합포 마감 설정을 저장했습니다")
    expect(page.locator("#seal-cutoffs")).to_have_text("10:00,14:00")
    page.fill("#exclusions input[name=value]", "BIG-BOX")
    page.click("text=합포 제외 추가")
    expect(page.locator("#exclusions table")).to_contain_text("BIG-BOX")
    page.fill("input[name=cutoffs]", "25:00")
    page.click("text=합포 마감 저장")
    expect(page.locator(".error")).to_be_visible()  # a Korean message, the page still there
    page.screenshot(path=str(artifacts / "settings.png"), full_page=True)
    page.close()


def test_a_viewer_sees_settings_without_change_buttons(
    stack: Stack, browser: Browser, artifacts: Path
) -> None:
    page = _signed_in(browser, stack, VIEWER)
    page.goto(f"{stack.url(CONSOLE)}/settings")
    expect(page.locator(".readonly")).to_be_visible()
    expect(page.locator(".change")).to_have_count(0)
    page.screenshot(path=str(artifacts / "viewer-settings.png"), full_page=True)
    page.close()


def test_the_sre_sees_charts_that_refresh(stack: Stack, browser: Browser, artifacts: Path) -> None:
    page = _signed_in(browser, stack, SRE)
    page.click("nav.menus >> text=SRE")
    expect(page).to_have_url(f"{stack.url(CONSOLE)}/sre")
    expect(page.locator("svg.chart")).to_have_count(7)  # with the oldest unprocessed age
    # lines appear once two samples are in; the page's script fetches them without a reload
    expect(page.locator('svg[data-chart="backlog"] polyline')).not_to_have_count(0, timeout=60_000)
    charts = page.locator("#sre-charts .charts")
    drawn = charts.get_attribute("data-updated") or ""
    expect(charts).not_to_have_attribute("data-updated", drawn, timeout=60_000)
    expect(page.locator("svg.chart")).to_have_count(7)  # with the oldest unprocessed age
    page.screenshot(path=str(artifacts / "sre.png"), full_page=True)
    page.close()
