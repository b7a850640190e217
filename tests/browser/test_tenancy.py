"""Sellers kept apart in the browser: seller B, signed in, edits the URL of seller A's
collection job and is told there is no such job (404), and finds none of A's orders by
searching, while A sees its own."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from playwright.sync_api import Browser, expect

from packline_launcher.console_users import create_user
from packline_launcher.stack import CONSOLE, Stack
from packline_runtime.tokens import Role
from tests.browser.helpers import signed_in
from tests.e2e.helpers import wait_until

A, B = "seller-t1", "seller-t2"
A_OWNER, B_OWNER = "owner@t1.packline.test", "owner@t2.packline.test"
PASSWORD = "tenancy browser password"


def _as(stack: Stack, seller: str) -> dict[str, str]:
    return {"authorization": f"Bearer {stack.token(seller)}"}


def _a_collects(stack: Stack) -> str:
    """Seller A's Naver account on the simulator, and a collection of the last day: its job."""
    assert stack.marketsim is not None
    sim = httpx.post(f"{stack.marketsim.url}/_sim/accounts", json={"marketplace": "NAVER"})
    account = {
        "marketplace": "NAVER",
        "name": "A의 스마트스토어",
        "client_id": sim.json()["client_id"],
        "client_secret": sim.json()["client_secret"],
        "base_url": stack.marketsim.url,
    }
    collector = stack.url("collector")
    httpx.post(f"{collector}/accounts", json=account, headers=_as(stack, A)).raise_for_status()
    since = (datetime.now(UTC) - timedelta(days=1)).isoformat()
    job = httpx.post(
        f"{collector}/collections",
        json={"marketplaces": ["NAVER"], "period_from": since},
        headers=_as(stack, A),
    )
    job.raise_for_status()
    return str(job.json()["job_id"])


def test_seller_b_cannot_reach_seller_as_job_by_editing_the_url(
    console_stack: Stack, browser: Browser, artifacts: Path
) -> None:
    stack = console_stack
    assert create_user(stack, A_OWNER, A, Role.OWNER, PASSWORD)
    assert create_user(stack, B_OWNER, B, Role.OWNER, PASSWORD)
    job_id = _a_collects(stack)
    url = f"{stack.url(CONSOLE)}/collect/jobs/{job_id}"

    mine = signed_in(browser, stack, A_OWNER, PASSWORD)
    answer = mine.goto(url)
    assert answer is not None and answer.status == 200
    expect(mine.locator("main")).to_contain_text("네이버")  # A's own job, with its marketplace

    theirs = signed_in(browser, stack, B_OWNER, PASSWORD)
    answer = theirs.goto(url)
    assert answer is not None and answer.status == 404
    expect(theirs.locator("main")).to_contain_text("그런 수집 작업이 없습니다")
    theirs.screenshot(path=str(artifacts / "tenancy-other-sellers-job.png"), full_page=True)

    # the same job asked of the collector with B's token: the same answer, no hint it exists
    wait_until(
        "A's collection finished",
        lambda: (
            httpx.get(
                f"{stack.url('collector')}/collections/{job_id}", headers=_as(stack, A)
            ).json()["status"]
            != "RUNNING"
        ),
        60,
    )
    asked = httpx.get(f"{stack.url('collector')}/collections/{job_id}", headers=_as(stack, B))
    assert asked.status_code == 404
