"""What the browser tests do in the console: sign a person in and land on the dashboard."""

import asyncio
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

from playwright.sync_api import Browser, Page, expect

from packline_launcher.stack import CONSOLE, Stack

T = TypeVar("T")


def signed_in(
    browser: Browser,
    stack: Stack,
    email: str,
    password: str,
    *,
    downloads: bool = False,
    login_shot: Path | None = None,
) -> Page:
    """A fresh page with `email` signed in (a screenshot of the sign-in page to `login_shot`)."""
    page = browser.new_page(viewport={"width": 1280, "height": 900}, accept_downloads=downloads)
    page.goto(f"{stack.url(CONSOLE)}/login")
    if login_shot is not None:
        page.screenshot(path=str(login_shot), full_page=True)
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    expect(page).to_have_url(f"{stack.url(CONSOLE)}/dashboard")
    return page


def run_async(work: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine to its end from a test: Playwright's sync API holds this thread's event
    loop, so it runs on a thread of its own."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, work).result()
