"""What the order-file tests share: the simulator, an HTTP client, the seller's Coupang, Naver
and 11st accounts with orders placed, and one collection by API run to its end."""

import asyncio
import os
from datetime import UTC, datetime, timedelta

import asyncpg
import httpx

from packline_collector.adapters.http_retry import RetryPolicy
from packline_collector.adapters.marketplaces import Gateways
from packline_collector.domain.accounts import NewAccount
from packline_collector.domain.endpoints import EndpointPolicy
from packline_collector.service_layer import account_keys
from packline_collector.service_layer.collection import Collection
from packline_marketsim.generator import generate
from packline_marketsim.server import RunningSimulator
from packline_runtime.secret_box import SecretBox

BOX = SecretBox(os.urandom(32))
FAST = RetryPolicy(attempts=3, base_delay=0.05, max_delay=1.0)
PASSWORD = "naver-1234"


MARKETPLACES = ["COUPANG", "NAVER", "ELEVENST"]


def place(market: RunningSimulator, accounts: dict[str, str], count: int, seed: int) -> None:
    for order in generate(
        count, marketplaces=tuple(MARKETPLACES), seed=seed, spacing=timedelta(seconds=30)
    ):
        market.sim.place(order, accounts[order.marketplace])


async def open_accounts(
    pool: asyncpg.Pool, market: RunningSimulator, count: int = 18
) -> dict[str, str]:
    coupang, naver = market.sim.add_coupang(), market.sim.add_naver()
    elevenst = market.sim.add_elevenst()
    accounts = {
        "COUPANG": coupang.vendor_id,
        "NAVER": naver.client_id,
        "ELEVENST": elevenst.seller_id,
    }
    place(market, accounts, count, seed=16)
    bodies = [
        {
            "marketplace": "COUPANG",
            "name": "쿠팡",
            "vendor_id": coupang.vendor_id,
            "access_key": coupang.access_key,
            "secret_key": coupang.secret_key,
        },
        {
            "marketplace": "NAVER",
            "name": "스마트스토어",
            "client_id": naver.client_id,
            "client_secret": naver.client_secret,
        },
        {
            "marketplace": "ELEVENST",
            "name": "11번가",
            "seller_login": elevenst.seller_id,
            "api_key": elevenst.api_key,
        },
    ]
    async with pool.acquire() as conn:
        for body in bodies:
            await account_keys.add_account(
                conn, BOX, NewAccount.model_validate({"seller_id": "s1", **body}), market.url
            )
    return accounts


async def collect(pool: asyncpg.Pool, market: RunningSimulator, http: httpx.AsyncClient) -> None:
    policy = EndpointPolicy.from_setting(market.url.removeprefix("http://"))
    collection = Collection(lambda: pool, Gateways(http, FAST, policy, BOX).for_account)
    now = datetime.now(UTC)
    job_id = await collection.start_manual("s1", MARKETPLACES, now - timedelta(days=2), now)
    for _ in range(600):
        async with pool.acquire() as conn:
            status = await conn.fetchval(
                "SELECT status FROM collection_jobs WHERE job_id = $1", job_id
            )
        if status != "RUNNING":
            assert status == "SUCCEEDED"
            return
        await asyncio.sleep(0.05)
    raise AssertionError("collection did not finish")
