"""What every simulator's app has: its state on `app.state.sim`, the call log, the health
route, and validation errors as one readable line."""

from collections.abc import Awaitable, Callable, Iterable
from contextlib import AbstractAsyncContextManager

from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError


def note_call(request: Request, *call: str) -> None:
    """Names this request for the call log (e.g. account and operation); unnamed requests,
    such as the admin API's, are not logged."""
    request.state.call = call


def simulator_app(
    title: str,
    sim: object,
    routers: Iterable[APIRouter],
    record: Callable[[tuple[str, ...], int], None],
    lifespan: Callable[[FastAPI], AbstractAsyncContextManager[None]] | None = None,
) -> FastAPI:
    """An app serving `routers` for `sim`, with `/health`, that calls `record(call, status)`
    after each request named with `note_call`; `lifespan` runs the simulator's own background
    work. The simulator adds its own error shapes."""
    app = FastAPI(title=title, lifespan=lifespan)
    app.state.sim = sim
    for router in routers:
        app.include_router(router)
    _add_call_log(app, record)
    _add_health(app)
    return app


def _add_call_log(app: FastAPI, record: Callable[[tuple[str, ...], int], None]) -> None:

    @app.middleware("http")
    async def log_calls(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        response = await call_next(request)
        call: tuple[str, ...] | None = getattr(request.state, "call", None)
        if call is not None:
            record(call, response.status_code)
        return response


def _add_health(app: FastAPI) -> None:
    @app.get("/health")
    async def health() -> dict[str, str]:
        return {"status": "ok"}


def validation_problems(exc: RequestValidationError, most: int = 5) -> str:
    """`field.path: message; ...` for the first `most` problems, without the `body`/`query`
    prefix."""
    return "; ".join(
        f"{'.'.join(str(p) for p in e['loc'][1:])}: {e['msg']}" for e in exc.errors()[:most]
    )
