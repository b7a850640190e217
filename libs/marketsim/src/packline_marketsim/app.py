"""The simulator's ASGI app: both marketplaces, the admin API, error shapes, and the call log."""

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from fastapi import FastAPI, HTTPException, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from packline_marketsim import admin_api, coupang_api, coupang_claims, naver_api
from packline_marketsim.naver_auth import NaverError
from packline_marketsim.state import Call, Simulator


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
    app = FastAPI(title="Packline marketplace simulator (Coupang WING, Naver Commerce)")
    app.state.sim = sim
    app.include_router(coupang_api.router(sim))
    app.include_router(coupang_claims.router(sim))
    app.include_router(naver_api.router(sim))
    app.include_router(admin_api.router(sim))

    @app.exception_handler(NaverError)
    async def naver_error(request: Request, exc: NaverError) -> JSONResponse:
        return _error(request, exc.status, exc.message, exc.code)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> JSONResponse:
        code = "GW.AUTHN" if exc.status_code == 401 else ""
        return _error(request, exc.status_code, str(exc.detail), code)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'][1:])}: {e['msg']}" for e in exc.errors()[:5]
        )
        return _error(request, 400 if not request.url.path.startswith("/_sim/") else 422, problems)

    @app.middleware("http")
    async def log_calls(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        response = await call_next(request)
        call = getattr(request.state, "call", None)
        if call is not None:
            marketplace, account, operation = call
            sim.calls.append(Call(marketplace, account, operation, response.status_code, sim.now()))
        return response

    @app.get("/health")
    async def health() -> dict[str, str]:
        return {"status": "ok"}

    return app
