"""The simulator's ASGI app: the courier API, the admin API, error shapes, and the call log."""

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from packline_couriersim import admin_api, api
from packline_couriersim.auth import CourierError
from packline_couriersim.state import Call, Simulator
from packline_simkit import simulator_app, validation_problems

_CODES = {401: "UNAUTHORIZED", 404: "NOT_FOUND", 405: "METHOD_NOT_ALLOWED"}


def _admin(request: Request) -> bool:
    return request.url.path.startswith("/_sim")


def create_app(sim: Simulator | None = None) -> FastAPI:
    sim = sim or Simulator()

    def record(call: tuple[str, ...], status: int) -> None:
        account, operation = call
        sim.calls.append(Call(account, operation, status, sim.now()))

    app = simulator_app(
        "Packline courier simulator (booking, address sorting codes, tracking)",
        sim,
        [api.router(sim), admin_api.router(sim)],
        record,
    )

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
