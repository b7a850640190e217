"""The console's composition root: settings, pool, sign-in, the services' client, the pages."""

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path

import asyncpg
import httpx
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from packline_console.adapters.passwords import Passwords
from packline_console.adapters.services import Services
from packline_console.entrypoints import (
    allocate_page,
    allocate_preview,
    auth_pages,
    bundle_page,
    collect_page,
    cs_page,
    match_page,
    pages,
    register_page,
    scan_page,
    settings_page,
    shipping_page,
    sre_page,
    stock_moves_page,
    stock_safety,
    users_page,
    waybill_accounts_page,
    waybill_page,
)
from packline_console.entrypoints.web import (
    Answered,
    Console,
    NotSignedIn,
    Refused,
    not_signed_in_response,
    refused_response,
    wants_json,
)
from packline_console.service_layer.sign_in import SignIn
from packline_console.settings import ConsoleSettings
from packline_runtime.db import create_pool

SERVICE = "console"
PACKAGE = Path(__file__).parent
MIGRATIONS = PACKAGE / "migrations"
SECURITY_HEADERS = {
    # everything the page loads is served here: no CDN, no inline script
    "content-security-policy": "default-src 'self'; script-src 'self'; style-src 'self'; "
    "img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "x-frame-options": "DENY",
}


def load_settings() -> ConsoleSettings:
    return ConsoleSettings()


def utc_now() -> datetime:
    return datetime.now(UTC)


def create_app(
    settings: ConsoleSettings,
    *,
    pool: asyncpg.Pool | None = None,
    passwords: Passwords | None = None,
    clock: Callable[[], datetime] = utc_now,
    mounts: dict[str, httpx.AsyncBaseTransport] | None = None,
) -> FastAPI:
    """`pool`: tests hand in a migrated pool, otherwise the lifespan opens (and closes) one;
    `mounts`: tests route service URLs to apps in-process."""
    if settings.token_private_key is None:
        raise SystemExit("PACKLINE_TOKEN_PRIVATE_KEY is not set: the console cannot call services")
    private_pem = settings.token_private_key.get_secret_value()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        own = pool is None
        used = pool or await create_pool(settings.database_url, SERVICE, min_size=1, max_size=5)
        services = Services(settings, private_pem, mounts)
        chosen = passwords or Passwords()
        app.state.console = Console(
            settings, used, SignIn(used, settings, chosen, clock), services, chosen, clock
        )
        try:
            yield
        finally:
            await services.close()
            if own:
                await used.close()

    app = FastAPI(title="Packline console", lifespan=lifespan, docs_url=None, redoc_url=None)
    for router in (auth_pages.router, pages.router, scan_page.router, users_page.router):
        app.include_router(router)
    for router in (
        collect_page.router,
        register_page.router,
        match_page.router,
        bundle_page.router,
    ):
        app.include_router(router)
    app.include_router(allocate_preview.router)  # /allocate/preview before /allocate
    app.include_router(allocate_page.router)
    app.include_router(stock_moves_page.router)  # 재고 입출고 · 이력 on 할당
    app.include_router(stock_safety.router)
    app.include_router(cs_page.router)
    app.include_router(shipping_page.router)
    app.include_router(waybill_page.router)
    app.include_router(waybill_accounts_page.router)
    app.include_router(sre_page.router)
    app.include_router(settings_page.router)
    app.mount("/static", StaticFiles(directory=PACKAGE / "static"), name="static")

    @app.exception_handler(NotSignedIn)
    async def _not_signed_in(request: Request, _: NotSignedIn) -> Response:
        return not_signed_in_response(request)

    @app.exception_handler(Answered)
    async def _answered(_: Request, exc: Answered) -> Response:
        return exc.response

    @app.exception_handler(Refused)
    async def _refused(request: Request, exc: Refused) -> Response:
        return refused_response(request, exc)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        where = ", ".join(".".join(str(p) for p in e["loc"][1:]) for e in exc.errors()[:5])
        return refused_response(request, Refused(422, f"입력값을 확인하세요: {where}"))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        if wants_json(request) or request.url.path.startswith("/static"):
            return JSONResponse({"error": str(exc.detail)}, status_code=exc.status_code)
        message = "없는 페이지입니다." if exc.status_code == 404 else str(exc.detail)
        return refused_response(request, Refused(exc.status_code, message))

    @app.middleware("http")
    async def _headers(request: Request, call_next: Callable[[Request], object]) -> Response:
        response: Response = await call_next(request)  # type: ignore[misc]
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if not request.url.path.startswith("/static"):
            response.headers.setdefault("cache-control", "no-store")
        return response

    return app
