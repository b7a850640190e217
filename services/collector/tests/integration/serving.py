"""The collector served over real HTTP on the session's PostgreSQL and broker, a pool on its own
schema to set rows up and read them back, and clients acting as a person of a seller: the
setting of the search, /flow and Excel-batch HTTP tests."""

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import asyncpg
import httpx
import uvicorn
from pydantic import SecretStr

from packline_collector.bootstrap import SERVICE, CollectorSettings, create_app
from packline_launcher.testing_tokens import TestTokens
from packline_runtime.db import create_pool
from packline_runtime.tokens import Role


@dataclass
class Served:
    url: str
    pool: asyncpg.Pool  # the running collector's own schema
    tokens: TestTokens

    def as_seller(
        self, seller_id: str, role: Role = Role.OWNER, sub: str = "tester"
    ) -> httpx.AsyncClient:
        return httpx.AsyncClient(
            base_url=self.url, timeout=30, headers=self.tokens.headers(seller_id, role, sub)
        )


@contextlib.asynccontextmanager
async def served(
    database_url: str, kafka_bootstrap: str, secrets_key: str, tokens: TestTokens
) -> AsyncIterator[Served]:
    """No background work of its own while a test runs: collection, pushes and mismatch checks
    tick once at startup (nothing to do yet), then wait an hour."""
    settings = CollectorSettings(
        database_url=database_url,
        kafka_bootstrap=kafka_bootstrap,
        secrets_key=SecretStr(secrets_key),
        collect_tick_seconds=3600,
        push_tick_seconds=3600,
        mismatch_check_seconds=3600,
    )
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings), host="127.0.0.1", port=0, log_level="warning")
    )
    task = asyncio.create_task(server.serve())
    deadline = asyncio.get_running_loop().time() + 60
    while not server.started:
        assert not task.done(), "the collector stopped during startup"
        assert asyncio.get_running_loop().time() < deadline, "the collector did not start in 60s"
        await asyncio.sleep(0.05)
    pool = await create_pool(database_url, SERVICE, min_size=1, max_size=2)
    try:
        port = server.servers[0].sockets[0].getsockname()[1]
        yield Served(f"http://127.0.0.1:{port}", pool, tokens)
    finally:
        await pool.close()
        server.should_exit = True
        await task


async def answer(response: httpx.Response, status: int = 200) -> Any:
    assert response.status_code == status, response.text[:1000]
    return response.json()


def own_order(order_id: str, **extra: Any) -> dict[str, Any]:
    """An order registered by hand (자사몰), the caller's."""
    return {
        "marketplace": "OWN_SHOP",
        "marketplace_order_id": order_id,
        "ordered_at": "2026-11-28T10:00:00+09:00",
        "paid_at": "2026-11-28T10:01:00+09:00",
        "recipient": {"name": "김민준", "mobile": "010-1234-5678", "address1": "서울 중구 1"},
        "lines": [
            {
                "line_id": "1",
                "listing_id": "L1",
                "quantity": 1,
                "unit_price_krw": 1000,
                "amount_krw": 1000,
            }
        ],
        **extra,
    }
