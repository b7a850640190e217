"""The embedded broker and PostgreSQL crash under a running pipeline; the launcher's supervision
step restarts them and the services recover by themselves: nothing lost, nothing doubled."""

import json
import os
import shutil
import signal
import tempfile
from collections import defaultdict
from pathlib import Path
from typing import Any

import httpx
import psutil
import pytest

from packline_contracts import Topic
from packline_launcher import sample_orders
from packline_launcher.stack import Stack

from .helpers import Api, jsonl, read_topic, wait_until
from .scenario import uid

pytestmark = pytest.mark.e2e
SELLER = "seller-crash"
ENV = {
    "PACKLINE_BUNDLE_HOLD_SECONDS": "1",
    "PACKLINE_KAFKA_SESSION_TIMEOUT_MS": "6000",
    "PACKLINE_BROKER_CHECK_SECONDS": "1",
}


@pytest.fixture
def stack() -> Any:
    # not under pytest's tmp_path: a concurrent pytest run prunes old numbered base dirs, and
    # with them PostgreSQL's socket
    workdir = Path(tempfile.mkdtemp(prefix="packline-crash-"))
    s = Stack(workdir, replicas=1, partitions=4, fresh=True, env=dict(ENV))
    s.start()
    try:
        yield s
    finally:
        s.stop()
    shutil.rmtree(workdir, ignore_errors=True)


def prepare(api: Api, orders: list[dict[str, Any]]) -> None:
    api.call("POST", "matcher", "/catalogue", json=sample_orders.catalogue_body(SELLER))
    for body in sample_orders.mapping_bodies(SELLER):
        api.call("POST", "matcher", "/mappings", json=body)
    stock = [{"sku": s, "on_hand": q + 5} for s, q in sample_orders.demand(orders).items()]
    api.call("PUT", "allocator", "/stock", json={"seller_id": SELLER, "items": stock})


def ship_everything(api: Api, expected: int, timeout: float = 60) -> None:
    """Play the warehouse: seal bundles and scan every ready parcel until all have shipped."""

    def all_shipped() -> bool:
        api.call("POST", "bundler", "/bundles/seal", json={"seller_id": SELLER})
        ready = api.call("GET", "shipper", "/parcels?status=READY&limit=500")["items"]
        if ready:
            tracking = [p["tracking_number"] for p in ready]
            api.call(
                "POST",
                "shipper",
                "/scan",
                json={"seller_id": SELLER, "tracking_numbers": tracking, "scanned_by": "t"},
            )
        return bool(api.stats("collector").get("shipped", 0) == expected)

    wait_until(f"{expected} orders shipped", all_shipped, timeout, every=1.0)


def shipped_events_per_order(stack: Stack) -> dict[str, set[str]]:
    per_order: dict[str, set[str]] = defaultdict(set)
    for record in read_topic(stack.kafka_bootstrap, Topic.SHIPPED, idle_seconds=3):
        event = json.loads(record.value)
        for o in event["orders"]:
            per_order[uid(o["order"])].add(event["event_id"])
    return per_order


def readiness(stack: Stack) -> list[tuple[int, dict[str, Any]]]:
    answers = []
    for sp in stack.processes:
        try:
            response = httpx.get(f"{sp.url}/health/ready", timeout=10)
            answers.append((response.status_code, response.json()))
        except httpx.HTTPError as exc:
            answers.append((0, {"error": str(exc)}))
    return answers


def service_pids(stack: Stack) -> dict[str, int]:
    return {sp.label: sp.process.pid for sp in stack.processes if sp.process is not None}


def test_a_killed_broker_is_restarted_and_refilled_and_every_order_ships_once(
    stack: Stack,
) -> None:
    api = Api(stack, SELLER)
    orders = sample_orders.generate(60, seller_id=SELLER, seed=11)
    prepare(api, orders)
    pids = service_pids(stack)
    api.call("POST", "collector", "/orders/import", content=jsonl(orders[:30]))
    wait_until("orders flowing", lambda: api.stats("allocator").get("allocated", 0) > 0, 60, 0.2)

    assert stack.broker is not None and stack.broker.process is not None
    stack.broker.process.send_signal(signal.SIGKILL)
    stack.broker.process.wait(10)
    down: list[tuple[int, dict[str, Any]]] = []

    def every_service_says_broker_unreachable() -> bool:
        down[:] = readiness(stack)
        return all(code == 503 and body.get("broker") == "unreachable" for code, body in down)

    wait_until(f"503 everywhere: {down}", every_service_says_broker_unreachable, 30)

    assert stack.supervise() == ["broker"]
    up: list[tuple[int, dict[str, Any]]] = []

    def every_service_ready() -> bool:
        up[:] = readiness(stack)
        return all(code == 200 for code, _ in up)

    wait_until(f"ready again: {up}", every_service_ready, 30)
    api.call("POST", "collector", "/orders/import", content=jsonl(orders[30:]))
    ship_everything(api, len(orders))

    per_order = shipped_events_per_order(stack)
    assert set(per_order) == {uid(o) for o in orders}
    assert [k for k, ids in per_order.items() if len(ids) != 1] == [], "an order shipped twice"
    assert service_pids(stack) == pids, "no service process was restarted"
    assert stack.supervise() == []


def _leftovers(datadir: Path, broker_port: int) -> list[psutil.Process]:
    found = []
    for proc in psutil.process_iter(["name", "cmdline", "status"]):
        if proc.info["status"] == psutil.STATUS_ZOMBIE:
            continue
        cmd = " ".join(proc.info["cmdline"] or [])
        try:
            ours = proc.info["name"] == "postgres" and proc.cwd() == str(datadir.resolve())
        except psutil.Error:
            ours = False
        if ours or f"127.0.0.1:{broker_port}" in cmd:
            found.append(proc)
    return found


def test_a_killed_postgres_is_restarted_the_pipeline_continues_and_stop_leaves_nothing(
    stack: Stack,
) -> None:
    api = Api(stack, SELLER)
    orders = sample_orders.generate(40, seller_id=SELLER, seed=12)
    prepare(api, orders)
    pids = service_pids(stack)
    api.call("POST", "collector", "/orders/import", content=jsonl(orders[:20]))
    wait_until("orders flowing", lambda: api.stats("allocator").get("allocated", 0) > 0, 60, 0.2)

    assert stack.postgres is not None and stack.broker is not None
    datadir, broker_port = stack.postgres.datadir, stack.broker.port
    postmaster = stack.postgres.postmaster()
    assert postmaster is not None
    os.kill(postmaster.pid, signal.SIGKILL)
    wait_until(
        "503 for the database everywhere",
        lambda: all(
            code == 503 and body.get("database") != "ok" for code, body in readiness(stack)
        ),
        30,
    )
    assert stack.supervise() == ["postgres"]
    wait_until("ready again", lambda: all(code == 200 for code, _ in readiness(stack)), 30)
    api.call("POST", "collector", "/orders/import", content=jsonl(orders[20:]))
    ship_everything(api, len(orders))
    assert service_pids(stack) == pids, "no service process was restarted"

    assert _leftovers(datadir, broker_port), "the check below must be able to see the processes"
    stack.stop()
    assert _leftovers(datadir, broker_port) == []
