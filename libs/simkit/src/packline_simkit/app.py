"""What every simulator's app has: the call log, the health route, and validation errors as
one readable line."""

from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError


def note_call(request: Request, *call: str) -> None:
    """Names this request for the call log (e.g. account and operation); unnamed requests,
    such as the admin API's, are not logged."""
    request.state.call = call


def add_call_log(app: FastAPI, record: Callable[[tuple[str, ...], int], None]) -> None:
    """After each request named with `note_call`, `record(call, status)`."""

    @app.middleware("http")
    async def log_calls(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        response = await call_next(request)
        call: tuple[str, ...] | None = getattr(request.state, "call", None)
        if call is not None:
            record(call, response.status_code)
        return response


def add_health(app: FastAPI) -> None:
    @app.get("/health")
    async def health() -> dict[str, str]:
        return {"status": "ok"}


def validation_problems(exc: RequestValidationError, most: int = 5) -> str:
    """`field.path: message; ...` for the first `most` problems, without the `body`/`query`
    prefix."""
    return "; ".join(
        f"{'.'.join(str(p) for p in e['loc'][1:])}: {e['msg']}" for e in exc.errors()[:most]
    )
