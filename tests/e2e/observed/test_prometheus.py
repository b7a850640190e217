"""A real Prometheus (Debian's binary, `packline up --prometheus`'s PrometheusServer) scrapes the
embedded stack while orders flow, and its recorded per-stage rates agree with the console's.

The console's SRE page (without Prometheus) takes each service's /metrics every few seconds and
charts (events now − events then) / seconds between (packline_console.domain.metrics.between).
Here both look at the same 60 s window [t_a, t_b], and every event happens inside it, well
away from its edges: the orders go in 5 s after t_a and the pipeline has settled 5+ s before
t_b. Prometheus' rate over [1m] is then the rise between its first and last scrape in the
window divided by their distance; at a 1 s scrape interval that distance is 58–60 s, so its
rate is the console's × 60/span: at most 3.5 % above it, never below. Tolerance: 5 %.

The stack is the one test_traces.py also uses (conftest.py); nothing of that test happens before
this one ends, so every event in the window is this test's."""

import time
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from packline_console.domain.metrics import Snapshot, between, parse
from packline_launcher import sample_orders
from packline_launcher.stack import SERVICES, Stack

from ..helpers import Api, jsonl, wait_until

pytestmark = pytest.mark.e2e
SELLER = "seller-prometheus"
WINDOW = 60.0
TOLERANCE = 0.05


@pytest.fixture
def stack(prometheus_stack: Stack) -> Stack:
    return prometheus_stack


def _snapshots(stack: Stack) -> dict[str, Snapshot]:
    found = {}
    for name in SERVICES:
        text = httpx.get(f"{stack.url(name)}/metrics", timeout=5.0).text
        found[name] = parse(text).get(name, Snapshot())
    return found


def _events(snapshots: dict[str, Snapshot]) -> dict[str, float]:
    return {name: snap.events_in for name, snap in snapshots.items()}


def _query(stack: Stack, query: str, at: float) -> dict[str, float]:
    assert stack.prometheus is not None
    answer = httpx.get(
        f"{stack.prometheus.url}/api/v1/query", params={"query": query, "time": f"{at:.3f}"}
    ).json()
    assert answer["status"] == "success", answer
    return {r["metric"].get("service", ""): float(r["value"][1]) for r in answer["data"]["result"]}


def _send(api: Api, orders: list[dict[str, Any]]) -> None:
    result = api.call("POST", "collector", "/orders/import", content=jsonl(orders))
    assert result["created"] == len(orders)


def _settled(stack: Stack, seconds: float = 3.0) -> dict[str, float]:
    """Every service's consumed-events counter unchanged for `seconds`."""
    last = _events(_snapshots(stack))
    while True:
        time.sleep(seconds)
        now = _events(_snapshots(stack))
        if now == last:
            return now
        last = now


def test_recorded_stage_rates_match_what_the_console_computes(stack: Stack) -> None:
    api = Api(stack, SELLER)
    orders = sample_orders.generate(40, seller_id=SELLER, seed=11)
    api.call("POST", "matcher", "/catalogue", json=sample_orders.catalogue_body(SELLER))
    for body in sample_orders.mapping_bodies(SELLER):
        api.call("POST", "matcher", "/mappings", json=body)
    need = sample_orders.demand(orders)
    api.call(
        "PUT",
        "allocator",
        "/stock",
        json={"seller_id": SELLER, "items": [{"sku": s, "on_hand": q} for s, q in need.items()]},
    )
    # warm-up: every stage's counters exist (and were scraped) before the window opens, so
    # Prometheus' first sample in it is not already the first rise
    _send(api, orders[:8])
    wait_until(
        "the warm-up orders reached the bundler",
        lambda: _events(_snapshots(stack))["bundler"] > 0,
        60,
    )
    _settled(stack)
    time.sleep(3.0)

    at_a, before = time.time(), _snapshots(stack)
    time.sleep(5.0)
    _send(api, orders[8:])
    _settled(stack)
    assert time.time() < at_a + WINDOW - 5.0, "the pipeline took too long to settle in the window"
    time.sleep(at_a + WINDOW - time.time())
    at_b, after = time.time(), _snapshots(stack)
    time.sleep(3.0)  # the rules have been evaluated past t_b

    console = {}
    for name in SERVICES:
        point = between(
            datetime.fromtimestamp(at_a, UTC),
            before[name],
            datetime.fromtimestamp(at_b, UTC),
            after[name],
        )
        assert point is not None
        console[name] = point.events_per_second
    recorded = _query(stack, "service:packline_events_in:rate1m", at_b)

    moving = {name for name, rate in console.items() if rate > 0}
    assert {"matcher", "bundler", "allocator"} <= moving, console
    for name in SERVICES:
        assert recorded.get(name, 0.0) == pytest.approx(console[name], rel=TOLERANCE, abs=1e-9), (
            name,
            recorded,
            console,
        )
    # and every service reports its broker and database reachable
    up = _query(stack, "min by (service) (packline_dependency_up)", time.time())
    assert up == {name: 1.0 for name in SERVICES}
