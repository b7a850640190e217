"""The oldest-unprocessed-age gauge: a running service samples what it registered (its /flow
query, across sellers) and /metrics shows each queue's age; a failing query never stops the
sampler and is warned about once per burst of failures."""

import asyncio
import logging
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from packline_runtime import flow, metrics
from packline_runtime.db import Conn
from packline_runtime.gauges import OldestWaiting
from packline_runtime.service import ServiceRuntime
from packline_runtime.settings import Settings

GAUGE = "packline_oldest_unprocessed_age_seconds"
WAITING_TABLE = "CREATE TABLE waiting (seller_id text NOT NULL, arrived_at timestamptz NOT NULL);\n"


async def _stage_flow(
    conn: Conn, seller_id: str | None, since: datetime
) -> tuple[dict[str, int], dict[str, datetime | None]]:
    """A stage's /flow adapter: one queue with rows, one where nothing waits."""
    row = await conn.fetchrow(
        """
        SELECT (SELECT count(*) FROM waiting WHERE arrived_at >= $2
                  AND ($1::text IS NULL OR seller_id = $1)) AS arrived,
               (SELECT min(arrived_at) FROM waiting
                WHERE $1::text IS NULL OR seller_id = $1) AS waiting,
               NULL::timestamptz AS review
        """,
        seller_id,
        since,
    )
    assert row is not None
    return {"arrived": int(row["arrived"])}, {"waiting": row["waiting"], "review": row["review"]}


async def _until(what: str, check: Callable[[], Any], seconds: float = 20.0) -> Any:
    deadline = time.monotonic() + seconds
    while not (found := await check()):
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        await asyncio.sleep(0.05)
    return found


def _ages(text: str, service: str) -> dict[str, float]:
    return {
        sample.labels["queue"]: sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name == GAUGE and sample.labels.get("service") == service
    }


async def test_a_running_service_exports_its_queues_oldest_age(
    database_url: str, kafka_bootstrap: str, tmp_path: Path
) -> None:
    (tmp_path / "001_waiting.sql").write_text(WAITING_TABLE)
    service = f"oldest_{uuid.uuid4().hex[:8]}"
    settings = Settings(
        database_url=database_url, kafka_bootstrap=kafka_bootstrap, oldest_sample_seconds=0.1
    )
    runtime = ServiceRuntime(service, settings, tmp_path)
    runtime.oldest_waiting(flow.oldest_of(_stage_flow))
    app = runtime.create_app("oldest test")
    now = datetime.now(UTC)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as http,
    ):

        async def exported(waiting: bool) -> dict[str, float]:
            ages = _ages((await http.get("/metrics")).text, service)
            return ages if (ages.get("waiting", 0) > 0) is waiting else {}

        assert await runtime.pool.fetchval("SELECT count(*) FROM waiting") == 0
        # nothing waits yet: both queues are exported, at 0
        empty = await _until("the first sample", lambda: exported(False))
        assert empty == {"waiting": 0.0, "review": 0.0}
        await runtime.pool.executemany(
            "INSERT INTO waiting (seller_id, arrived_at) VALUES ($1, $2)",
            [("s1", now - timedelta(seconds=30)), ("s2", now - timedelta(seconds=90))],
        )
        ages = await _until("a sample with the waiting rows", lambda: exported(True))

    # the oldest of every seller (s2's), not only one seller's; nothing in review
    assert 90 <= ages["waiting"] < 600
    assert ages["review"] == 0.0


async def test_a_failing_query_keeps_the_sampler_going_and_warns_once_per_burst(
    new_schema: Any, caplog: pytest.LogCaptureFixture
) -> None:
    pool = await new_schema(Path(__file__).parent / "sql_empty")
    service = f"oldest_{uuid.uuid4().hex[:8]}"
    broken = {"now": True}
    arrived = datetime.now(UTC) - timedelta(minutes=5)

    async def healthy(conn: Conn) -> dict[str, datetime | None]:
        return {"healthy": await conn.fetchval("SELECT $1::timestamptz", arrived)}

    async def flaky(conn: Conn) -> dict[str, datetime | None]:
        await conn.fetchval("SELECT CASE WHEN $1 THEN 1 / 0 END", broken["now"])
        return {"flaky": None}

    sampler = OldestWaiting(service)
    sampler.register(flaky)
    sampler.register(healthy)
    caplog.set_level(logging.INFO, logger="packline_runtime.gauges")

    for _ in range(3):
        assert await sampler.sample(pool) == 0
    assert metrics.OLDEST[(("service", service), ("queue", "healthy"))] == arrived
    assert (("service", service), ("queue", "flaky")) not in metrics.OLDEST
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "DivisionByZero" in warnings[0].getMessage()

    broken["now"] = False
    await sampler.sample(pool)
    assert (("service", service), ("queue", "flaky")) in metrics.OLDEST
    assert any("works again" in r.getMessage() for r in caplog.records)
    broken["now"] = True
    await sampler.sample(pool)
    await sampler.sample(pool)
    assert len([r for r in caplog.records if r.levelno == logging.WARNING]) == 2  # a new burst
