"""The claims cursor, on PostgreSQL against the simulator over HTTP: automatic collection reads
claims from where its last successful read ended, however long ago, in windows each API allows,
so a claim made during a collection gap longer than the 12-hour window is still found; a failed
read leaves the cursor where it was."""

import dataclasses
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import httpx

from packline_marketsim import coupang_state
from packline_marketsim.server import RunningSimulator

from .test_claims_db import _boxes, _periodic, _setup

GAP = timedelta(hours=31)


def _claimed_long_ago(market: RunningSimulator, ago: timedelta) -> tuple[str, str]:
    """A Coupang box and a Naver product order cancelled by their buyers `ago` (both collected
    and acknowledged before)."""
    sim = market.sim
    box = _boxes(market)[0]
    coupang_state.cancel(box, None, None)  # a release-stop receipt (출고중지요청)
    box.claims[-1].created_at = datetime.now(UTC) - ago
    po = min(
        (p for pos in sim.product_orders.values() for p in pos.values()),
        key=lambda p: p.product_order_id,
    )
    sim.cancel_naver(po)
    for client_id, changes in sim.changes.items():
        sim.changes[client_id] = [
            dataclasses.replace(c, at=datetime.now(UTC) - ago)
            if c.product_order_id == po.product_order_id and c.type.startswith("CLAIM")
            else c
            for c in changes
        ]
    return str(box.shipment_box_id), po.product_order_id


async def _gap(pool: asyncpg.Pool) -> None:
    """The collector was down: its last successful claims read ended GAP ago."""
    async with pool.acquire() as conn:
        await conn.execute(
            "UPDATE marketplace_accounts SET claims_read_to = now() - $1::interval", GAP
        )


async def _cursors(pool: asyncpg.Pool) -> dict[str, datetime]:
    async with pool.acquire() as conn:
        rows = await conn.fetch("SELECT marketplace, claims_read_to FROM marketplace_accounts")
    return {r["marketplace"]: r["claims_read_to"] for r in rows}


async def _cancelled(pool: asyncpg.Pool) -> set[str]:
    async with pool.acquire() as conn:
        rows = await conn.fetch(
            "SELECT marketplace_order_id FROM orders WHERE status = 'CANCEL_REQUESTED'"
        )
    return {r["marketplace_order_id"] for r in rows}


async def test_a_claim_made_30_hours_ago_after_a_30_hour_gap_is_found(
    new_schema: Any, market: RunningSimulator, http: httpx.AsyncClient
) -> None:
    pool, collection = await _setup(new_schema, market, http, timedelta(hours=40))
    assert _boxes(market)[0].status == "INSTRUCT"
    await _gap(pool)
    box_id, po_id = _claimed_long_ago(market, timedelta(hours=30))

    started = datetime.now(UTC)
    job = await _periodic(collection, pool)

    assert (job["status"], job["cancelled"], job["created"]) == ("SUCCEEDED", 2, 0), job
    assert await _cancelled(pool) == {box_id, po_id}
    # the cursor moves to the end of the window read, for both accounts
    assert all(
        c is not None and c >= started - timedelta(seconds=5)
        for c in (await _cursors(pool)).values()
    )


async def test_a_failed_claims_read_leaves_the_cursor_and_the_next_run_finds_the_claim(
    new_schema: Any, market: RunningSimulator, http: httpx.AsyncClient
) -> None:
    pool, collection = await _setup(new_schema, market, http, timedelta(hours=40))
    await _gap(pool)
    before = await _cursors(pool)
    box_id, po_id = _claimed_long_ago(market, timedelta(hours=30))
    rule = {"action": "server_error", "marketplace": "COUPANG", "operation": "returnRequests"}
    await http.post(f"{market.url}/_sim/script", json={"rules": [{**rule, "times": 3}]})

    failed = await _periodic(collection, pool)

    assert failed["status"] == "PARTIAL", failed
    after = await _cursors(pool)
    assert after["COUPANG"] == before["COUPANG"]  # not advanced past the claims it missed
    assert after["NAVER"] > before["NAVER"]
    assert box_id not in await _cancelled(pool)

    again = await _periodic(collection, pool)
    assert again["status"] == "SUCCEEDED", again
    assert await _cancelled(pool) == {box_id, po_id}
    assert (await _cursors(pool))["COUPANG"] > before["COUPANG"]
