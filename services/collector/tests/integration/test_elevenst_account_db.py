"""An 11st account on PostgreSQL: migration 016 lets ELEVENST in (under the constraint name the
ESM adapter's migration expects), its API key is stored sealed, and a collection through the
account opens it and collects from the simulator."""

import asyncio
import json
import os
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import httpx

from packline_collector.adapters.http_retry import RetryPolicy
from packline_collector.adapters.marketplaces import Gateways
from packline_collector.bootstrap import MIGRATIONS
from packline_collector.domain.accounts import NewAccount, view
from packline_collector.domain.endpoints import EndpointPolicy
from packline_collector.service_layer import account_keys
from packline_collector.service_layer.collection import Collection
from packline_marketsim.generator import generate
from packline_marketsim.server import RunningSimulator
from packline_runtime.secret_box import SecretBox

BOX = SecretBox(os.urandom(32))


async def _job(pool: asyncpg.Pool, collection: Collection) -> dict[str, Any]:
    now = datetime.now(UTC)
    job_id = await collection.start_manual("s1", ["ELEVENST"], now - timedelta(days=2), now)
    for _ in range(600):
        async with pool.acquire() as conn:
            row = await conn.fetchrow("SELECT * FROM collection_jobs WHERE job_id = $1", job_id)
        if row and row["status"] != "RUNNING":
            return dict(row)
        await asyncio.sleep(0.05)
    raise AssertionError("the collection did not finish")


async def test_an_elevenst_account_is_sealed_and_collected(
    new_schema: Any, market: RunningSimulator, http: httpx.AsyncClient
) -> None:
    pool = await new_schema(MIGRATIONS)
    async with pool.acquire() as conn:
        check = await conn.fetchval(
            """SELECT pg_get_constraintdef(oid) FROM pg_constraint
               WHERE conname = 'marketplace_accounts_marketplace_check'"""
        )
    assert "'ELEVENST'" in check and "'ESM'" in check
    seller = market.sim.add_elevenst().seller_id
    for order in generate(7, marketplaces=("ELEVENST",), seed=7, spacing=timedelta(seconds=30)):
        market.sim.place(order, seller)
    key = market.sim.elevenst[seller].api_key
    account = NewAccount.model_validate(
        {
            "seller_id": "s1",
            "marketplace": "ELEVENST",
            "name": "11번가",
            "seller_login": seller,
            "api_key": key,
        }
    )
    async with pool.acquire() as conn:
        row = await account_keys.add_account(conn, BOX, account, market.url)
        raw = await conn.fetchval("SELECT row_to_json(a)::text FROM marketplace_accounts a")
    assert row is not None and key not in raw and key.encode().hex() not in raw
    shown = view(row)
    assert shown["seller_login"] == seller and shown["api_key"] == "********"
    assert key not in json.dumps(shown, default=str)
    allowed = EndpointPolicy.from_setting(market.url.removeprefix("http://"))
    gateways = Gateways(http, RetryPolicy(attempts=2, base_delay=0.05), allowed, BOX)
    job = await _job(pool, Collection(lambda: pool, gateways.for_account))
    dlv_nos = {ln.dlv_no for ln in market.sim.elevenst_lines[seller].values()}
    assert (job["status"], job["created"]) == ("SUCCEEDED", len(dlv_nos))
    async with pool.acquire() as conn:
        stored = await conn.fetch(
            "SELECT marketplace_order_id FROM orders WHERE marketplace = 'ELEVENST'"
        )
    assert {r["marketplace_order_id"] for r in stored} == dlv_nos
