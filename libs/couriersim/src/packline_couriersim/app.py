"""The simulator's ASGI app: the courier API, the admin API, error shapes, and the call log."""

import asyncio
import contextlib
from collections.abc import AsyncIterator

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from packline_couriersim import admin_api, api
from packline_couriersim.auth import CourierError
from packline_couriersim.state import Call, Simulator
from packline_couriersim.webhooks import Webhooks
from packline_simkit import simulator_app, validation_problems

_CODES = {401: "UNAUTHORIZED", 404: "NOT_FOUND", 405: "METHOD_NOT_ALLOWED"}


def _admin(request: Request) -> bool:
    return request.url.path.startswith("/_sim")


def create_app(sim: Simulator | None = None, tick_seconds: float = 1.0) -> FastAPI:
    """`tick_seconds`: how often the automatic progression (when switched on) is applied."""
    sim = sim or Simulator()
    webhooks = Webhooks(sim)
    sim.on_change = webhooks.notify

    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        async def ticking() -> None:
            while True:
                sim.tick()
                await asyncio.sleep(tick_seconds)

        ticker = asyncio.create_task(ticking(), name="couriersim-progression")
        try:
            yield
        finally:
            ticker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await ticker
            await webhooks.drain()

    def record(call: tuple[str, ...], status: int) -> None:
        account, operation = call
        sim.calls.append(Call(account, operation, status, sim.now()))

    app = simulator_app(
        "Packline courier simulator (booking, address sorting codes, tracking)",
        sim,
        [api.router(sim), admin_api.router(sim)],
        record,
        lifespan,
    )
    app.state.webhooks = webhooks

    @app.exception_handler(CourierError)
    async def courier_error(_request: Request, exc: CourierError) -> JSONResponse:
        return JSONResponse(
            {"code": exc.code, "message": exc.message}, status_code=exc.status, headers=exc.headers
        )

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> JSONResponse:
        if _admin(request):
            return JSONResponse({"detail": exc.detail}, status_code=exc.status_code)
        code = _CODES.get(exc.status_code, "BAD_REQUEST")
        return JSONResponse({"code": code, "message": str(exc.detail)}, status_code=exc.status_code)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = validation_problems(exc)
        if _admin(request):
            return JSONResponse({"detail": problems}, status_code=422)
        return JSONResponse(
            {"code": "INVALID_REQUEST", "message": f"요청 형식이 올바르지 않습니다: {problems}"},
            status_code=400,
        )

    return app
