"""Tracking as it advances: scan history with times, band numbers handed over, the automatic
progression, and webhooks that never block the call that caused them."""

import json
import time
from collections.abc import AsyncIterator
from datetime import timedelta

import httpx
import pytest

from packline_couriersim.app import create_app
from packline_couriersim.auth import signature
from packline_couriersim.server import running
from packline_couriersim.state import Account, Simulator
from packline_couriersim.webhooks import Webhooks


async def _track(http: httpx.AsyncClient, account: Account, *numbers: str) -> list[dict]:  # type: ignore[type-arg]
    raw = json.dumps({"numbers": list(numbers)}).encode()
    stamp = str(int(time.time()))
    sig = signature(account.secret, stamp, "POST", "/api/v1/tracking", raw)
    answer = await http.post(
        "/api/v1/tracking",
        content=raw,
        headers={
            "Authorization": f"HMAC-SHA256 key-id={account.key_id}, timestamp={stamp}, "
            f"signature={sig}",
            "Content-Type": "application/json",
        },
    )
    assert answer.status_code == 200, answer.text
    results: list[dict] = answer.json()["results"]  # type: ignore[type-arg]
    return results


@pytest.fixture
async def sim() -> Simulator:
    return Simulator(seed=3)


@pytest.fixture
async def http(sim: Simulator) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=create_app(sim))
    async with httpx.AsyncClient(transport=transport, base_url="http://couriersim") as client:
        yield client


async def test_a_handed_over_band_number_is_tracked_with_its_scan_history(
    sim: Simulator, http: httpx.AsyncClient
) -> None:
    account = sim.add_account("HYUNDAI")
    [unknown] = await _track(http, account, "300000000011")
    assert unknown["status"] is None and unknown["error"]["code"] == "NOT_FOUND"

    handed = await http.post(
        f"/_sim/accounts/{account.key_id}/handovers",
        json={"numbers": ["300000000011"], "status": "AT_PICKUP"},
    )
    assert handed.status_code == 200, handed.text
    sim.clock_offset = timedelta(minutes=3)
    assert (await http.post("/_sim/parcels/300000000011/advance")).json()["status"] == "IN_TRANSIT"

    [known] = await _track(http, account, "300000000011")
    assert known["status"] == "IN_TRANSIT" and known["error"] is None
    assert [e["status"] for e in known["events"]] == ["AT_PICKUP", "IN_TRANSIT"]
    assert known["events"][0]["time"] < known["events"][1]["time"]
    other = sim.add_account("HYUNDAI")
    taken = await http.post(
        f"/_sim/accounts/{other.key_id}/handovers", json={"numbers": ["300000000011"]}
    )
    assert taken.status_code == 409
    bad = await http.post(f"/_sim/accounts/{other.key_id}/handovers", json={"numbers": ["12ab"]})
    assert bad.status_code == 422


async def test_the_automatic_progression_moves_a_parcel_one_status_per_step(
    sim: Simulator, http: httpx.AsyncClient
) -> None:
    account = sim.add_account("HANJIN")
    sim.hand_over(account, "500000000017", "INFORMATION_RECEIVED")
    assert sim.tick() == 0  # off by default
    answer = await http.put("/_sim/progression", json={"step_seconds": 60})
    assert answer.status_code == 200

    seen = []
    for minutes in range(1, 6):
        sim.clock_offset = timedelta(minutes=minutes, seconds=1)
        sim.tick()
        seen.append(sim.by_number["500000000017"].status)

    assert seen == ["AT_PICKUP", "IN_TRANSIT", "OUT_FOR_DELIVERY", "DELIVERED", "DELIVERED"]


async def test_after_pickup_a_booked_parcel_waits_for_its_pickup_scan(
    sim: Simulator, http: httpx.AsyncClient
) -> None:
    account = sim.add_account("HANJIN")
    sim.hand_over(account, "500000000031", "INFORMATION_RECEIVED")
    answer = await http.put("/_sim/progression", json={"step_seconds": 60, "after_pickup": True})
    assert answer.json() == {"step_seconds": 60, "after_pickup": True}

    sim.clock_offset = timedelta(minutes=10)
    assert sim.tick() == 0  # the seller has not handed it over: the courier has nothing to move
    assert sim.by_number["500000000031"].status == "INFORMATION_RECEIVED"
    picked = await http.post("/_sim/parcels/500000000031/advance", json={"status": "AT_PICKUP"})
    assert picked.status_code == 200
    seen = []
    for minutes in range(11, 15):
        sim.clock_offset = timedelta(minutes=minutes, seconds=1)
        sim.tick()
        seen.append(sim.by_number["500000000031"].status)

    assert seen == ["IN_TRANSIT", "OUT_FOR_DELIVERY", "DELIVERED", "DELIVERED"]


async def test_a_failing_webhook_is_retried_and_never_blocks_the_scan() -> None:
    sim = Simulator(seed=4)
    account = sim.add_account("HANJIN")
    async with running(sim) as server, httpx.AsyncClient(base_url=server.url) as http:
        sim.hand_over(account, "500000000024", "INFORMATION_RECEIVED")
        # nothing listens on port 9 of loopback: every delivery fails
        registered = await http.post(
            f"/_sim/accounts/{account.key_id}/webhook", json={"url": "http://127.0.0.1:9/hook"}
        )
        assert registered.status_code == 200
        webhooks: Webhooks = sim.on_change.__self__  # type: ignore[union-attr]
        webhooks.first_pause_seconds = 0.01

        advanced = await http.post("/_sim/parcels/500000000024/advance")

        assert advanced.status_code == 200
        deadline = time.monotonic() + 10
        while len(webhooks.delivered) < webhooks.attempts and time.monotonic() < deadline:
            await webhooks.drain()
        assert webhooks.delivered == [(account.key_id, "500000000024", 0)] * webhooks.attempts
