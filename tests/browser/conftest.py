"""Browser tests: Playwright driving Debian's `chromium` (Playwright cannot download browsers
here) against a running stack with its console. Without chromium they skip, loudly."""

import os
import shutil
import tempfile
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

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


@pytest.fixture(scope="module")
def workdir() -> Iterator[Path]:
    made = Path(tempfile.mkdtemp(prefix="packline-browser-"))
    yield made
    shutil.rmtree(made, ignore_errors=True)
