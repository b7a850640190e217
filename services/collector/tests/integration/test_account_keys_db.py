"""Marketplace keys at rest on PostgreSQL (design.md § 7): sealed in the table, opened only for
a marketplace call (the simulator over HTTP), plaintext rows of a database deployed before
sealed by the upgrade, and a wrong secrets key or a value moved to another row answered with an
error naming the account."""

import asyncio
import json
import os
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import httpx
import pytest

from packline_collector.adapters.http_retry import RetryPolicy
from packline_collector.adapters.marketplaces import Gateways
from packline_collector.bootstrap import MIGRATIONS
from packline_collector.domain.accounts import NewAccount, mask, view
from packline_collector.domain.endpoints import EndpointPolicy
from packline_collector.service_layer import account_keys
from packline_collector.service_layer.collection import Collection
from packline_marketsim.generator import generate
from packline_marketsim.server import RunningSimulator
from packline_runtime.secret_box import SecretBox, SecretsNotConfigured

FAST = RetryPolicy(attempts=3, base_delay=0.05, max_delay=1.0)
BOX = SecretBox(os.urandom(32))
SEALING = "012_sealed_marketplace_keys.sql"


def _gateways(market: RunningSimulator, http: httpx.AsyncClient, box: SecretBox) -> Gateways:
    allowed = EndpointPolicy.from_setting(market.url.removeprefix("http://"))
    return Gateways(http, FAST, allowed, box)


def _bodies(market: RunningSimulator, orders: int) -> tuple[list[dict[str, str]], set[str]]:
    """A Coupang and a Naver account on the simulator with `orders` orders; and their keys."""
    coupang, naver = market.sim.add_coupang(), market.sim.add_naver()
    for order in generate(orders, seed=orders, spacing=timedelta(seconds=30)):
        market.sim.place(
            order, coupang.vendor_id if order.marketplace == "COUPANG" else naver.client_id
        )
    bodies = [
        {
            "marketplace": "COUPANG",
            "name": "쿠팡 본점",
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
    ]
    return bodies, {coupang.access_key, coupang.secret_key, naver.client_secret}


async def _add(pool: asyncpg.Pool, market: RunningSimulator, orders: int) -> set[str]:
    bodies, keys = _bodies(market, orders)
    async with pool.acquire() as conn:
        for body in bodies:
            account = NewAccount.model_validate({"seller_id": "s1", **body})
            assert await account_keys.add_account(conn, BOX, account, market.url) is not None
    return keys


async def _raw_rows(pool: asyncpg.Pool) -> str:
    """Every column of every account as PostgreSQL renders it (bytea as hex)."""
    async with pool.acquire() as conn:
        rows = await conn.fetch("SELECT row_to_json(a)::text FROM marketplace_accounts a")
    return "\n".join(r[0] for r in rows)


def _assert_no_plaintext(raw: str, keys: set[str]) -> None:
    for key in keys:
        assert key not in raw and key.encode().hex() not in raw, "a key is stored in plaintext"


async def _collect(pool: asyncpg.Pool, gateways: Gateways) -> dict[str, Any]:
    collection = Collection(lambda: pool, gateways.for_account)
    now = datetime.now(UTC)
    job_id = await collection.start_manual("s1", ["COUPANG", "NAVER"], now - timedelta(days=2), now)
    deadline = asyncio.get_running_loop().time() + 60
    while asyncio.get_running_loop().time() < deadline:
        async with pool.acquire() as conn:
            row = await conn.fetchrow("SELECT * FROM collection_jobs WHERE job_id = $1", job_id)
        if row and row["status"] != "RUNNING":
            return dict(row)
        await asyncio.sleep(0.05)
    raise AssertionError(f"job {job_id} did not finish in 60s")


async def _last_errors(pool: asyncpg.Pool) -> dict[str, str]:
    async with pool.acquire() as conn:
        rows = await conn.fetch("SELECT marketplace, last_error FROM marketplace_accounts")
    return {r["marketplace"]: r["last_error"] for r in rows}


async def test_stored_keys_hold_no_plaintext_and_collection_opens_them(
    new_schema: Any, market: RunningSimulator, http: httpx.AsyncClient
) -> None:
    pool = await new_schema(MIGRATIONS)
    keys = await _add(pool, market, 20)
    _assert_no_plaintext(await _raw_rows(pool), keys)
    job = await _collect(pool, _gateways(market, http, BOX))
    orders = sum(len(b) for b in market.sim.boxes.values()) + sum(
        len(p) for p in market.sim.product_orders.values()
    )
    assert (job["status"], job["created"], job["accounts_done"]) == ("SUCCEEDED", orders, 2)
    async with pool.acquire() as conn:
        shown = [view(dict(r)) for r in await conn.fetch("SELECT * FROM marketplace_accounts")]
    coupang = next(s for s in shown if s["marketplace"] == "COUPANG")
    access_key = next(k for k in keys if coupang["access_key"] == mask(k))
    assert coupang["secret_key"] == "********" and coupang["access_key"] == mask(access_key)
    _assert_no_plaintext(json.dumps(shown, default=str), keys)


async def test_plaintext_keys_of_a_database_deployed_before_are_sealed_by_the_upgrade(
    new_schema: Any, market: RunningSimulator, http: httpx.AsyncClient
) -> None:
    pool, upgrade = await new_schema.before(MIGRATIONS, SEALING, prefix="keys")
    bodies, keys = _bodies(market, 10)
    async with pool.acquire() as conn:
        for body in bodies:  # as the collector stored accounts before migration 012
            await conn.execute(
                """
                INSERT INTO marketplace_accounts (account_id, seller_id, marketplace, name,
                    login_id, access_key, secret, base_url)
                VALUES ($1, 's1', $2, $3, $4, $5, $6, $7)
                """,
                uuid.uuid4(),
                body["marketplace"],
                body["name"],
                body.get("vendor_id") or body["client_id"],
                body.get("access_key", ""),
                body.get("secret_key") or body["client_secret"],
                market.url,
            )
    assert f"service/{SEALING}" in await upgrade()
    async with pool.acquire() as conn:
        with pytest.raises(SecretsNotConfigured, match="set PACKLINE_SECRETS_KEY"):
            await account_keys.seal_stored_keys(conn, None)
        assert await account_keys.seal_stored_keys(conn, BOX) == 2
        assert await account_keys.seal_stored_keys(conn, BOX) == 0  # once is enough
    _assert_no_plaintext(await _raw_rows(pool), keys)
    job = await _collect(pool, _gateways(market, http, BOX))
    assert (job["status"], job["accounts_done"]) == ("SUCCEEDED", 2), job
    async with pool.acquire() as conn:  # and no write may store a plaintext key again
        with pytest.raises(asyncpg.CheckViolationError):
            await conn.execute("UPDATE marketplace_accounts SET secret = 'plain'")


async def test_an_empty_table_needs_no_secrets_key(new_schema: Any) -> None:
    pool = await new_schema(MIGRATIONS)
    async with pool.acquire() as conn:
        assert await account_keys.seal_stored_keys(conn, None) == 0


async def test_a_wrong_secrets_key_fails_each_account_with_a_message_naming_it(
    new_schema: Any, market: RunningSimulator, http: httpx.AsyncClient
) -> None:
    pool = await new_schema(MIGRATIONS)
    keys = await _add(pool, market, 10)
    job = await _collect(pool, _gateways(market, http, SecretBox(os.urandom(32))))
    problems = json.loads(job["problems"])
    assert (job["status"], job["created"], len(problems)) == ("FAILED", 0, 2), job
    assert any("COUPANG account '쿠팡 본점'" in p for p in problems), problems
    assert any("NAVER account '스마트스토어'" in p for p in problems), problems
    assert all("PACKLINE_SECRETS_KEY" in p for p in problems), problems
    errors = await _last_errors(pool)
    assert "COUPANG account '쿠팡 본점'" in errors["COUPANG"] and "key id" in errors["COUPANG"]
    _assert_no_plaintext(json.dumps([problems, errors]), keys)
    assert market.sim.calls == []  # nothing was sent without its keys


async def test_a_key_sealed_for_another_account_does_not_open(
    new_schema: Any, market: RunningSimulator, http: httpx.AsyncClient
) -> None:
    pool = await new_schema(MIGRATIONS)
    await _add(pool, market, 10)
    async with pool.acquire() as conn:  # Coupang's sealed secret copied onto the Naver row
        await conn.execute(
            """
            UPDATE marketplace_accounts SET secret_sealed = (
                SELECT secret_sealed FROM marketplace_accounts WHERE marketplace = 'COUPANG')
            WHERE marketplace = 'NAVER'
            """
        )
    job = await _collect(pool, _gateways(market, http, BOX))
    problems = json.loads(job["problems"])
    assert job["status"] == "PARTIAL" and len(problems) == 1, job
    assert "NAVER account '스마트스토어'" in problems[0] and "another record" in problems[0]
    assert (await _last_errors(pool))["COUPANG"] == ""
