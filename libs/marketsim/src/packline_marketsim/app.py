"""The simulator's ASGI app: both marketplaces, the admin API, error shapes, and the call log."""

from datetime import UTC, datetime

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from packline_marketsim import (
    admin_api,
    coupang_api,
    coupang_claims,
    elevenst_admin,
    elevenst_api,
    naver_api,
    order_files,
)
from packline_marketsim.naver_auth import NaverError
from packline_marketsim.state import Call, Simulator
from packline_simkit import simulator_app, validation_problems


def _error(request: Request, status: int, message: str, code: str = "") -> JSONResponse:
    if request.url.path.startswith("/external/"):
        return JSONResponse(
            {
                "code": code or "BadRequest",
                "message": message,
                "timestamp": datetime.now(UTC).isoformat(),
                "traceId": "",
            },
            status_code=status,
        )
    if request.url.path.startswith("/_sim/"):
        return JSONResponse({"detail": message}, status_code=status)
    return JSONResponse({"code": status, "message": message}, status_code=status)


def create_app(sim: Simulator | None = None) -> FastAPI:
    sim = sim or Simulator()

    def record(call: tuple[str, ...], status: int) -> None:
        marketplace, account, operation = call
        sim.calls.append(Call(marketplace, account, operation, status, sim.now()))

    app = simulator_app(
        "Packline marketplace simulator (Coupang WING, Naver Commerce, 11st Open API)",
        sim,
        [
            coupang_api.router(sim),
            coupang_claims.router(sim),
            naver_api.router(sim),
            elevenst_api.router(sim),
            elevenst_admin.router(sim),  # before the admin API's /_sim/orders/{marketplace}
            admin_api.router(sim),
            order_files.router(sim),
        ],
        record,
    )

    @app.exception_handler(NaverError)
    async def naver_error(request: Request, exc: NaverError) -> JSONResponse:
        return _error(request, exc.status, exc.message, exc.code)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> JSONResponse:
        code = "GW.AUTHN" if exc.status_code == 401 else ""
        return _error(request, exc.status_code, str(exc.detail), code)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        status = 400 if not request.url.path.startswith("/_sim/") else 422
        return _error(request, status, validation_problems(exc))

    return app
