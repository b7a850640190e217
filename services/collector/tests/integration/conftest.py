"""Fixtures of the collector's integration tests: the marketplace simulator on a real port, an
HTTP client for it, and the secrets key of collectors started on the session's database."""

from collections.abc import AsyncIterator

import httpx
import pytest

from packline_marketsim.server import RunningSimulator, running
from packline_marketsim.state import Simulator
from packline_runtime.secret_box import new_key


@pytest.fixture
async def market() -> AsyncIterator[RunningSimulator]:
    async with running(Simulator(seed=9)) as server:
        yield server


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=10) as client:
        yield client


@pytest.fixture(scope="session")
def secrets_key() -> str:
    """One key for every collector started on the session's `collector` schema: the accounts
    one test module stores stay readable to the next."""
    return new_key()
