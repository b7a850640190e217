"""`make bench`'s pieces work (no timing is asserted: the bench measures, tests do not): the
reference relay moves 200 events through its six stages on the embedded broker and PostgreSQL,
every stage's outbox row of every event is marked sent, and a bench run's figures JSON holds
every key the README's table is filled from."""

import json
import os
import sys
from pathlib import Path

import asyncpg

sys.path.insert(0, str(Path(__file__).parent))

import relay
import report
from cpu import CpuMeter


async def test_relay_moves_200_events_through_six_stages(
    kafka_bootstrap: str, database_url: str, tmp_path: Path
) -> None:
    meter = CpuMeter({"bench": os.getpid()})
    figures = await relay.run_relay(kafka_bootstrap, database_url, 200, timeout=120)
    figures["cpu"] = meter.used(200)
    assert figures["cpu"]["machine_busy_s"] > 0  # the relay's six processes ran meanwhile
    assert set(figures["cpu"]["by_process_ms_per_unit"]) == {"bench"}

    assert figures["events"] == 200
    assert figures["event_bytes"] > 800  # an OrderCollected-like event, ~1 KB of JSON
    assert await relay.rows_sent(database_url, figures["schema"]) == {s: 200 for s in range(1, 7)}
    conn = await asyncpg.connect(database_url, server_settings={"search_path": figures["schema"]})
    try:  # the last stage's state holds every order once, and its inbox every event once
        assert await conn.fetchval("SELECT count(DISTINCT order_id) FROM state_6") == 200
        assert await conn.fetchval("SELECT count(*) FROM inbox_6") == 200
    finally:
        await conn.close()

    run = {
        "orders": 10,
        "shipped": 10,
        "orders_per_s": 5.0,
        "seconds": 2.0,
        "cpu": figures["cpu"],
    }
    bench = report.assemble(
        report.machine("test"),
        {"env": {}},
        figures,
        {10: run, 20: {**run, "orders": 20, "orders_per_s": 4.0}},
        (10, 10, 20),
        {"offered_per_s": 1000, "p50_ms": 10.0, "p99_ms": 20.0},
        {"orders": 20, "p50_ms": 30.0},
        {"collector-0": 100.0, "bundler-0": 200.0},
    )
    out = tmp_path / "bench.json"
    report.write(bench, out)

    written = json.loads(out.read_text(encoding="utf-8"))
    assert set(report.KEYS) <= set(written)
    assert {"cores", "python", "date"} <= set(written["machine"])
    assert written["targets_met"] == {
        "ratio": written["ratio"] >= 0.55,
        "steady_p99_ms": True,
        "idle_p50_ms": True,
        "rss_mb": False,  # the bundler's 200 MB
        "scaling": False,  # 4.0 of 5.0 orders/s
    }
    assert "1. reference relay" in report.table(written)
    assert "Packline CPU per order by process (ms)" in report.table(written)
