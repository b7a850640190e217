"""Browser tests: Playwright driving Debian's `chromium` (Playwright cannot download browsers
here) against a running stack with its console. Without chromium they skip, loudly."""

import os
import shutil
import tempfile
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, sync_playwright

from packline_launcher.stack import Stack

ARTIFACTS = Path(os.environ.get("PACKLINE_TEST_ARTIFACTS", "test-artifacts")) / "browser"
MISSING = (
    "CHROMIUM NOT FOUND: the console's browser tests are SKIPPED. Install Debian's `chromium` "
    "and `fonts-nanum` (apt-get install chromium fonts-nanum; .ci/run does it when root)."
)


@pytest.fixture(scope="session")
def chromium_path() -> str:
    found = shutil.which("chromium")
    if found is None:
        warnings.warn(pytest.PytestWarning(MISSING), stacklevel=1)
        pytest.skip(MISSING)
    return found


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="package")
def console_stack(chromium_path: str) -> Iterator[Stack]:
    """One running stack with its console for every browser test module (each works as a
    seller of its own, and services answer each seller only its own data), stopped once the
    package's tests are done (the end-to-end suites start stacks of their own after it). The SRE charts
    sample every 2 s, so they fill within a test."""
    workdir = Path(tempfile.mkdtemp(prefix="packline-browser-"))
    running = Stack(workdir, console=True, env={"PACKLINE_SRE_SAMPLE_SECONDS": "2"})
    running.start()
    try:
        yield running
    finally:
        running.stop()
        shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture(scope="package")
def browser(chromium_path: str) -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium_path, args=["--no-sandbox"])
        try:
            yield launched
        finally:
            launched.close()
