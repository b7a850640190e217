"""A service's routers behind the same token guard `ServiceRuntime.create_app` puts on them, for
tests that drive routes over ASGI without starting the whole runtime (no broker, no relay)."""

import os
from pathlib import Path

import asyncpg
import httpx
from fastapi import APIRouter, Depends, FastAPI

from packline_runtime import auth, problems, tokens
from packline_runtime.service import ServiceRuntime
from packline_runtime.settings import Settings


def guarded_app(*routers: APIRouter) -> FastAPI:
    """An app whose every route needs a token verified with this process's public key
    (PACKLINE_TOKEN_PUBLIC_KEY, installed by the `service_tokens` fixture), as in production."""
    app = FastAPI()
    app.state.verifier = auth.Verifier(os.environ.get(tokens.PUBLIC_KEY_ENV, ""))
    for router in routers:
        app.include_router(
            router,
            responses={**problems.RESPONSES, **problems.AUTH_RESPONSES},
            dependencies=[Depends(auth.authorize)],
        )
    problems.install(app)
    return app


def runtime_on(service: str, migrations: Path, pool: asyncpg.Pool) -> ServiceRuntime:
    """A service's runtime on a test's pool, for its routes in-process (no broker, no start)."""
    runtime = ServiceRuntime(service, Settings(), migrations)
    runtime._pool = pool
    return runtime


def client(app: FastAPI, headers: dict[str, str] | None = None) -> httpx.AsyncClient:
    """An HTTP client to an in-process app (`headers`: e.g. a test token's)."""
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://service.test", headers=headers
    )
