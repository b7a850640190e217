"""The allocator's routes in-process on a test's pool, behind the token guard, with events
handed to its use cases as the subscriber would (for the HTTP test modules): `Served` is the
common client; a module's own client adds the calls it needs."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

import asyncpg
import httpx
from fastapi import FastAPI

from packline_allocator.bootstrap import MIGRATIONS, SERVICE
from packline_allocator.entrypoints import (
    http,
    partial_http,
    rules_http,
    stock_http,
    wave_modes_http,
)
from packline_allocator.service_layer import use_cases
from packline_launcher.testing_http import client, guarded_app, runtime_on
from packline_launcher.testing_tokens import TestTokens
from packline_runtime.tokens import Role
from packline_runtime.unit_of_work import unit_of_work


def api(pool: asyncpg.Pool) -> FastAPI:
    """Every allocator route, as its composition root includes them."""
    runtime = runtime_on(SERVICE, MIGRATIONS, pool)
    modules = (http, rules_http, stock_http, partial_http, wave_modes_http)
    return guarded_app(*(m.router(runtime) for m in modules))


@dataclass
class Served:
    api: httpx.AsyncClient
    pool: asyncpg.Pool
    tokens: TestTokens

    def of(self, seller: str = "sa", role: Role = Role.OWNER) -> dict[str, str]:
        """A person's token headers (`kim` of `seller`)."""
        return self.tokens.headers(seller, role, sub="kim")

    async def call(
        self, method: str, path: str, seller: str = "sa", role: Role = Role.OWNER, **kw: Any
    ) -> httpx.Response:
        return await self.api.request(method, path, headers=self.tokens.headers(seller, role), **kw)

    async def feed(self, *events: Any) -> None:
        """Events as the subscriber hands them over: one batch, one transaction."""
        async with unit_of_work(self.pool) as uow:
            await use_cases.handle_events(uow, events)


S = TypeVar("S", bound=Served)


@asynccontextmanager
async def serving(
    new_schema: Any, tokens: TestTokens, prefix: str, kind: type[S]
) -> AsyncIterator[S]:
    pool = await new_schema(MIGRATIONS, prefix=prefix)
    async with client(api(pool)) as http_client:
        yield kind(http_client, pool, tokens)
