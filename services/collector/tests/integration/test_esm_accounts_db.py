"""An ESM account on PostgreSQL: migration 016 widens the marketplace check (its constraint name
checked), 017 keeps the Gmarket and Auction seller ids; the secret key is sealed, the view masks
it, and a manual collection through the gateways registers Gmarket and Auction orders."""

import asyncio
import os
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from pydantic import ValidationError

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
FAST = RetryPolicy(attempts=3, base_delay=0.05, max_delay=1.0)


def test_an_esm_account_needs_a_master_id_a_secret_and_a_site() -> None:
    with pytest.raises(ValidationError) as refused:
        NewAccount.model_validate({"marketplace": "ESM", "name": "G", "master_id": "m"})
    assert "secret_key, gmarket_seller_id or auction_seller_id" in str(refused.value)


async def test_an_esm_account_is_stored_sealed_and_collected(
    new_schema: Any, market: RunningSimulator, http: httpx.AsyncClient
) -> None:
    pool = await new_schema(MIGRATIONS)
    async with pool.acquire() as conn:
        check = await conn.fetchval(
            "SELECT pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conname = 'marketplace_accounts_marketplace_check'"
        )
    assert "'ESM'" in check and "'ELEVENST'" in check
    esm = market.sim.add_esm()
    for order in generate(8, marketplaces=("GMARKET", "AUCTION"), seed=3):
        market.sim.place(order, esm.master_id)
    account = NewAccount.model_validate(
        {
            "seller_id": "s1",
            "marketplace": "ESM",
            "name": "G마켓/옥션",
            "master_id": esm.master_id,
            "secret_key": esm.secret_key,
            "gmarket_seller_id": esm.gmarket_seller_id,
            "auction_seller_id": esm.auction_seller_id,
        }
    )
    async with pool.acquire() as conn:
        row = await account_keys.add_account(conn, BOX, account, market.url)
        raw = await conn.fetchval("SELECT row_to_json(a)::text FROM marketplace_accounts a")
    assert row is not None and esm.secret_key not in raw
    shown = view(row)
    assert (shown["master_id"], shown["secret_key"]) == (esm.master_id, "********")
    assert (shown["gmarket_seller_id"], shown["auction_seller_id"]) == (
        esm.gmarket_seller_id,
        esm.auction_seller_id,
    )
    gateways = Gateways(
        http, FAST, EndpointPolicy.from_setting(market.url.removeprefix("http://")), BOX
    )
    gateways.esm_listing_interval = 0
    collection = Collection(lambda: pool, gateways.for_account)
    now = datetime.now(UTC)
    job_id = await collection.start_manual("s1", ["ESM"], now - timedelta(days=2), now)
    for _ in range(600):
        async with pool.acquire() as conn:
            job = await conn.fetchrow("SELECT * FROM collection_jobs WHERE job_id = $1", job_id)
        if job and job["status"] != "RUNNING":
            break
        await asyncio.sleep(0.05)
    placed = market.sim.esm_orders[esm.master_id]
    assert job is not None and (job["status"], job["created"]) == ("SUCCEEDED", len(placed))
    async with pool.acquire() as conn:
        stored = await conn.fetch("SELECT marketplace, marketplace_order_id FROM orders")
    assert {r["marketplace_order_id"] for r in stored} == {str(n) for n in placed}
    assert {r["marketplace"] for r in stored} == {"GMARKET", "AUCTION"}
