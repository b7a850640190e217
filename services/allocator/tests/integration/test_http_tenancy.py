"""The allocator's HTTP API answers only to a token and keeps sellers apart (design.md § 7):
stock, waves and counts are the token's seller's; naming another seller is 404."""

from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from typing import Any

import asyncpg
import httpx
import pytest

from packline_allocator.bootstrap import MIGRATIONS
from packline_allocator.entrypoints import http
from packline_allocator.service_layer import use_cases
from packline_launcher.testing import bundle, collected, matched
from packline_launcher.testing_http import guarded_app
from packline_launcher.testing_tokens import TestTokens
from packline_runtime.tokens import Role
from packline_runtime.unit_of_work import UnitOfWork, unit_of_work


@dataclass
class Runtime:
    pool: asyncpg.Pool

    def unit_of_work(self) -> AbstractAsyncContextManager[UnitOfWork]:
        return unit_of_work(self.pool)


@pytest.fixture
async def client(new_schema: Any) -> AsyncIterator[tuple[httpx.AsyncClient, asyncpg.Pool]]:
    pool = await new_schema(MIGRATIONS, prefix="alloch")
    app = guarded_app(http.router(Runtime(pool)))  # type: ignore[arg-type]
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://allocator") as http_client:
        yield http_client, pool


async def test_without_a_token_every_route_is_401(client: Any) -> None:
    api, _ = client
    assert (await api.get("/stock")).status_code == 401
    assert (
        await api.put("/stock", json={"items": [{"sku": "A", "on_hand": 1}]})
    ).status_code == 401
    assert (await api.post("/allocation/waves", json={})).status_code == 401
    assert (await api.get("/stats")).status_code == 401


async def test_stock_is_the_token_sellers_and_another_seller_is_404(
    client: Any, service_tokens: TestTokens
) -> None:
    api, _ = client
    a, b = service_tokens.headers("sa"), service_tokens.headers("sb", Role.OPERATOR)
    put = await api.put("/stock", headers=a, json={"items": [{"sku": "A", "on_hand": 5}]})
    assert put.status_code == 200, put.text
    named = await api.put(
        "/stock", headers=a, json={"seller_id": "sa", "items": [{"sku": "B", "on_hand": 2}]}
    )
    assert named.status_code == 200, named.text

    mine = await api.get("/stock", headers=a)
    assert [(r["sku"], r["on_hand"]) for r in mine.json()["items"]] == [("A", 5), ("B", 2)]
    assert (await api.get("/stock", headers=b)).json()["items"] == []
    assert (await api.get("/stock", headers=b, params={"seller_id": "sa"})).status_code == 404
    other = await api.put(
        "/stock", headers=b, json={"seller_id": "sa", "items": [{"sku": "A", "on_hand": 0}]}
    )
    assert other.status_code == 404
    wave = await api.post("/allocation/waves", headers=b, json={"seller_id": "sa"})
    assert wave.status_code == 404
    assert (await api.post("/allocation/waves", headers=b, json={})).json() == {
        "bundles_allocated": 0
    }
    viewer = service_tokens.headers("sa", Role.VIEWER)
    assert (await api.get("/stock", headers=viewer)).status_code == 200
    assert (
        await api.put("/stock", headers=viewer, json={"items": [{"sku": "A", "on_hand": 9}]})
    ).status_code == 403


async def test_stats_count_the_sellers_rows_and_the_sre_counts_across_sellers(
    client: Any, service_tokens: TestTokens
) -> None:
    api, pool = client
    async with unit_of_work(pool) as uow:
        await use_cases.handle_events(
            uow,
            [
                bundle(matched(collected(1, seller="sa"), {"A": 1})),
                bundle(matched(collected(2, seller="sb"), {"A": 1})),
                bundle(matched(collected(3, seller="sb"), {"A": 1})),
            ],
        )
    a = (await api.get("/stats", headers=service_tokens.headers("sa", Role.VIEWER))).json()
    b = (await api.get("/stats", headers=service_tokens.headers("sb"))).json()
    sre = (await api.get("/stats", headers=service_tokens.headers("-", Role.SRE))).json()
    assert (a["waiting"], a["waiting_orders"]) == (1, 1)
    assert (b["waiting"], b["waiting_orders"]) == (2, 2)
    assert (sre["waiting"], sre["waiting_orders"]) == (3, 3)
