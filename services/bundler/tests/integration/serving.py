"""The bundler's routes in-process on a test's pool, behind the token guard, and events handed
to its use cases as the subscriber would (for the HTTP test modules)."""

from datetime import timedelta
from typing import Any

import httpx
from fastapi import FastAPI

from packline_bundler.bootstrap import MIGRATIONS, SERVICE
from packline_bundler.entrypoints import http, review_http
from packline_bundler.service_layer import use_cases
from packline_launcher.testing_http import client, guarded_app, runtime_on
from packline_launcher.testing_tokens import TestTokens
from packline_runtime.tokens import Role
from packline_runtime.unit_of_work import unit_of_work

HOLD = timedelta(seconds=60)


def api(pool: Any) -> FastAPI:
    runtime = runtime_on(SERVICE, MIGRATIONS, pool)
    return guarded_app(review_http.router(runtime), http.router(runtime))


def client_of(
    app: FastAPI, tokens: TestTokens, seller: str, role: Role = Role.OWNER
) -> httpx.AsyncClient:
    return client(app, tokens.headers(seller, role))


async def deliver(pool: Any, *events: Any) -> None:
    async with unit_of_work(pool) as uow:
        await use_cases.handle_events(uow, events, HOLD)
