"""The SRE page through the console: a real service's /metrics (the runtime's health router,
in-process) sampled into the console's ring, drawn as SVG for the `sre` role only; a seller's
people are refused; with PACKLINE_PROMETHEUS_URL the same charts come from query_range."""

import asyncio
import re
import time
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI, Query

from packline_allocator.adapters import stats
from packline_allocator.bootstrap import MIGRATIONS as ALLOCATOR_MIGRATIONS
from packline_allocator.bootstrap import SERVICE as ALLOCATOR
from packline_console.bootstrap import MIGRATIONS as CONSOLE_MIGRATIONS
from packline_runtime import flow, metrics, operations_http
from packline_runtime.gauges import OldestWaiting
from packline_runtime.service import ServiceRuntime
from packline_runtime.settings import Settings
from packline_runtime.telemetry import setup_telemetry
from packline_runtime.tokens import Role
from services.console.tests.integration.console_harness import Harness, running_console, settings

SRE = "sre@packline.kr"


async def _until(what: str, check: Any, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        await asyncio.sleep(0.05)


@pytest.fixture
async def sre_console(new_schema: Any) -> AsyncIterator[Harness]:
    setup_telemetry("console-tests")  # the services' instruments export through this process
    runtime = ServiceRuntime(ALLOCATOR, Settings(), ALLOCATOR_MIGRATIONS)
    allocator = FastAPI()
    allocator.include_router(operations_http.health_router(runtime))
    pool = await new_schema(CONSOLE_MIGRATIONS, prefix="console")
    mounts = {"http://allocator.test": httpx.ASGITransport(app=allocator)}
    # one sample at start-up; the test takes the others itself, at moments it chooses
    chosen = settings(allocator_url="http://allocator.test", sre_sample_seconds=3600)
    async with running_console(pool, chosen, mounts=mounts) as harness:
        await harness.user(SRE, Role.SRE)
        await harness.user("owner@s1.kr", Role.OWNER)
        yield harness


async def _allocator_waiting_since(new_schema: Any, seconds: float) -> None:
    """Bundles waiting in an allocator schema (two sellers; the older waited `seconds`),
    sampled into the gauge the way the allocator's bootstrap registers it."""
    pool = await new_schema(ALLOCATOR_MIGRATIONS, prefix="allocator")
    now = datetime.now(UTC)
    await pool.executemany(
        """
        INSERT INTO bundles (bundle_id, seller_id, paid_at, event, received_at)
        VALUES ($1, $2, $3, '{}'::jsonb, $3)
        """,
        [
            (uuid.uuid4(), "s1", now - timedelta(seconds=seconds / 2)),
            (uuid.uuid4(), "s2", now - timedelta(seconds=seconds)),
        ],
    )
    oldest = OldestWaiting(ALLOCATOR)
    oldest.register(flow.oldest_of(stats.flow))
    await oldest.sample(pool)


async def test_sre_sees_the_allocators_rate_backlog_and_dead_letters(
    sre_console: Harness, new_schema: Any
) -> None:
    sampler = sre_console.app.state.sre.sampler
    await _until("the start-up sample", lambda: len(sampler.ring.samples) >= 1)
    sre_console.clock.advance(seconds=10)
    await sampler.sample_once()
    sre_console.clock.advance(seconds=10)
    metrics.EVENTS_IN.add(50, {"service": ALLOCATOR, "event_type": "BundleSealed"})
    metrics.HANDLER_SECONDS.record(0.02, {"service": ALLOCATOR})
    metrics.DEAD_LETTERS.add(2, {"service": ALLOCATOR})
    metrics.SAMPLES["backlog"][(("service", ALLOCATOR),)] = 7
    await _allocator_waiting_since(new_schema, 600)
    await sampler.sample_once()

    async with sre_console.browser() as browser:
        await browser.sign_in(SRE)
        page = await browser.client.get("/sre")
        fragment = await browser.client.get("/sre/charts")

    assert page.status_code == 200, page.text
    assert page.text.count("<svg") == 7 and fragment.text.count("<svg") == 7
    assert '<script src="/static/sre.js">' in page.text
    events = re.search(r'data-chart="events".*?</svg>', page.text, re.S)
    backlog = re.search(r'data-chart="backlog".*?</svg>', page.text, re.S)
    dead = re.search(r'data-chart="dead".*?</svg>', page.text, re.S)
    oldest = re.search(r'data-chart="oldest".*?</svg>', page.text, re.S)
    assert events and "할당 5</text>" in events.group(0)  # 50 events in 10 s
    assert backlog and "할당 7</text>" in backlog.group(0)
    assert dead and "할당 2</text>" in dead.group(0)
    # s2's bundle, the oldest of every seller, has waited 600 s (and a little, by the scrape)
    assert oldest and "가장 오래 기다린 건 (초)" in oldest.group(0)
    waited = re.search(r"할당 ([\d,.]+)</text>", oldest.group(0))
    assert waited and 600 <= float(waited.group(1).replace(",", "")) < 900
    assert "주문수집 서비스의 /metrics를 읽지 못했습니다" in page.text  # nothing listens there
    assert "oldest unprocessed age" not in page.text and "서비스가 15초마다" in page.text


async def test_a_sellers_people_are_refused_the_sre_page(sre_console: Harness) -> None:
    async with sre_console.browser() as browser:
        await browser.sign_in("owner@s1.kr")
        dashboard = await browser.client.get("/dashboard")
        page = await browser.client.get("/sre")
        charts = await browser.client.get("/sre/charts")

    assert 'href="/sre"' not in dashboard.text  # no SRE menu for a seller
    assert (page.status_code, charts.status_code) == (403, 403)
    assert "SRE 계정만" in page.text and "<svg" not in charts.text


def _prometheus() -> tuple[FastAPI, list[str]]:
    """Prometheus' query_range answer shape (no Prometheus binary on this machine)."""
    app, asked = FastAPI(), []

    @app.get("/api/v1/query_range")
    async def query_range(query: str, start: float, end: float, step: str = Query()) -> Any:
        asked.append(query)
        values = [[start, "1"], [end, "3"]] if "events_in" in query else [[end, "NaN"]]
        if "oldest_unprocessed" in query:
            values = [[end, "42"]]
        return {
            "status": "success",
            "data": {
                "resultType": "matrix",
                "result": [{"metric": {"service": "matcher"}, "values": values}],
            },
        }

    return app, asked


async def test_with_prometheus_set_the_charts_come_from_query_range(new_schema: Any) -> None:
    prometheus, asked = _prometheus()
    pool = await new_schema(CONSOLE_MIGRATIONS, prefix="console")
    mounts = {"http://prometheus.test": httpx.ASGITransport(app=prometheus)}
    chosen = settings(prometheus_url="http://prometheus.test")
    async with running_console(pool, chosen, mounts=mounts) as harness:
        harness.clock.now = datetime.now(UTC)
        await harness.user(SRE, Role.SRE)
        async with harness.browser() as browser:
            await browser.sign_in(SRE)
            page = await browser.client.get("/sre")

    assert page.status_code == 200, page.text
    assert "Prometheus(query_range)에서 읽습니다" in page.text
    # the series deploy/prometheus/rules/recording.yml records (tests/ops checks they exist)
    assert "service:packline_events_in:rate1m" in asked
    assert "service:packline_handler_seconds:p99_1m" in asked
    assert "service:packline_oldest_unprocessed_age_seconds:max" in asked
    events = re.search(r'data-chart="events".*?</svg>', page.text, re.S)
    oldest = re.search(r'data-chart="oldest".*?</svg>', page.text, re.S)
    assert events and "매칭 3</text>" in events.group(0)
    assert oldest and "매칭 42</text>" in oldest.group(0)
