"""The services' real HTTP routes on fresh PostgreSQL schemas, in-process, for the console's
page tests: each app is mounted at http://<service>.test and its pool is kept for seeding."""

import itertools
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from typing import Any

import asyncpg
import httpx
from fastapi import APIRouter, Depends, FastAPI

from packline_runtime import auth, dead_letters_http, problems
from packline_runtime.service import ServiceRuntime
from packline_runtime.settings import Settings
from packline_runtime.unit_of_work import UnitOfWork, unit_of_work
from services.console.tests.integration.console_harness import VERIFYING_KEY


@dataclass
class PoolRuntime:
    """What most routes need of a runtime: its pool and its transactions."""

    pool: asyncpg.Pool

    def unit_of_work(self) -> AbstractAsyncContextManager[UnitOfWork]:
        return unit_of_work(self.pool)


def service_runtime(name: str, pool: asyncpg.Pool, migrations: Any) -> ServiceRuntime:
    runtime = ServiceRuntime(name, Settings(), migrations)
    runtime._pool = pool
    return runtime


@dataclass
class Apps:
    """Apps by service name; `mounts` routes the console's service URLs to them."""

    pools: dict[str, asyncpg.Pool] = field(default_factory=dict)
    mounts: dict[str, httpx.AsyncBaseTransport] = field(default_factory=dict)
    urls: dict[str, str] = field(default_factory=dict)

    def add(self, name: str, pool: asyncpg.Pool, *routers: APIRouter) -> FastAPI:
        app = FastAPI()
        app.state.verifier = auth.Verifier(VERIFYING_KEY)  # the console's tokens, as deployed
        guard = [Depends(auth.authorize)]
        for router in routers:
            app.include_router(router, responses=problems.RESPONSES, dependencies=guard)
        app.include_router(dead_letters_http.router(lambda: pool, dict), dependencies=guard)
        problems.install(app)
        self.pools[name] = pool
        self.mounts[f"http://{name}.test"] = httpx.ASGITransport(app=app)
        self.urls[f"{name}_url"] = f"http://{name}.test"
        return app


async def allocator(apps: Apps, new_schema: Callable[..., Any]) -> asyncpg.Pool:
    from packline_allocator.bootstrap import MIGRATIONS, SERVICE
    from packline_allocator.entrypoints import (
        http,
        partial_http,
        rules_http,
        stock_http,
        wave_modes_http,
    )

    pool: asyncpg.Pool = await new_schema(MIGRATIONS, prefix="calloc")
    runtime = service_runtime(SERVICE, pool, MIGRATIONS)
    routers = tuple(
        m.router(runtime) for m in (http, partial_http, rules_http, stock_http, wave_modes_http)
    )
    apps.add("allocator", pool, *routers)
    return pool


def _no_marketplace(_: Any) -> Any:
    raise AssertionError("these page tests reach no marketplace")


async def collector(apps: Apps, new_schema: Callable[..., Any]) -> asyncpg.Pool:
    from packline_collector.bootstrap import MIGRATIONS, SERVICE
    from packline_collector.entrypoints import (
        collections_http,
        http,
        mismatch_http,
        push_http,
        stats_http,
    )
    from packline_collector.service_layer.collection import Collection
    from packline_collector.service_layer.mismatches import Checker

    pool: asyncpg.Pool = await new_schema(MIGRATIONS, prefix="ccoll")
    runtime = service_runtime(SERVICE, pool, MIGRATIONS)
    apps.add(
        "collector",
        pool,
        http.router(runtime),
        collections_http.router(runtime, Collection(lambda: pool, _no_marketplace, 60)),
        push_http.router(runtime),
        mismatch_http.router(runtime, Checker(lambda: pool, _no_marketplace)),
        stats_http.router(runtime),
    )
    return pool


async def dead_letter(pool: asyncpg.Pool, error: str, order: str, seller: str = "s1") -> int:
    from packline_runtime.dead_letters import DeadLetter, record

    async with pool.acquire() as conn:
        [(letter_id, _)] = await record(
            conn,
            [
                DeadLetter(
                    consumer="test",
                    topic="orders.matched",
                    partition=0,
                    offset=next(_offsets),
                    payload=b"{}",
                    error=error,
                    event_id=f"e{next(_offsets)}",
                    event_type="OrderMatched",
                    seller_id=seller,
                    order_uids=(order,),
                )
            ],
        )
    return letter_id


_offsets = itertools.count(1)


async def shipper(apps: Apps, new_schema: Callable[..., Any]) -> asyncpg.Pool:
    from packline_shipper.bootstrap import MIGRATIONS, SERVICE
    from packline_shipper.entrypoints import http, scan_http

    pool: asyncpg.Pool = await new_schema(MIGRATIONS, prefix="cship")
    runtime = service_runtime(SERVICE, pool, MIGRATIONS)
    apps.add("shipper", pool, http.router(runtime), scan_http.router(runtime))
    return pool


SENDER = {
    "name": "팩라인상사",
    "phone": "02-123-4567",
    "address": "서울 중구 세종대로 1",
    "postcode": "04524",
}


async def waybill(apps: Apps, new_schema: Callable[..., Any]) -> Any:
    """The waybill service with its own number band; returns its Numbering (to feed events)."""
    from packline_runtime.secret_box import SecretBox, decode_key, new_key
    from packline_waybill.bootstrap import MIGRATIONS
    from packline_waybill.domain.endpoints import CourierEndpoints
    from packline_waybill.domain.numbers import NumberBand
    from packline_waybill.entrypoints import http, http_accounts, http_files, http_tracking
    from packline_waybill.service_layer.claims import Numbering
    from packline_waybill.service_layer.parcels import Sender
    from packline_waybill.service_layer.tracking import TrackingPolicy

    pool: asyncpg.Pool = await new_schema(MIGRATIONS, prefix="cwbl")
    box = SecretBox(decode_key(new_key()))
    numbering = Numbering(NumberBand("HYUNDAI", 30_000_000_000, 30_000_009_999), box)
    runtime = PoolRuntime(pool)
    sender = Sender(SENDER["name"], SENDER["phone"], SENDER["address"])
    apps.add(
        "waybill",
        pool,
        http.router(runtime, numbering, sender, box, None),
        http_files.router(runtime, box),
        http_accounts.router(runtime, box, CourierEndpoints()),
        http_tracking.router(runtime, box, TrackingPolicy()),
    )
    return numbering
