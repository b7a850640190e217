"""Fixtures of the collector's integration tests: the marketplace simulator on a real port and
an HTTP client for it."""

from collections.abc import AsyncIterator

import httpx
import pytest

from packline_marketsim.server import RunningSimulator, running
from packline_marketsim.state import Simulator


@pytest.fixture
async def market() -> AsyncIterator[RunningSimulator]:
    async with running(Simulator(seed=9)) as server:
        yield server


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=10) as client:
        yield client
