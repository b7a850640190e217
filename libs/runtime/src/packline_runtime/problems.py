"""One error shape for every service: RFC 9457 problem details (`application/problem+json`).

Installed once by `ServiceRuntime.create_app`. Bodies name the field and the problem but never
echo the input (request bodies carry marketplace keys and recipients' personal data), and every
message is capped so a huge input cannot come back in an answer.
"""

import logging
import re
import uuid
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from packline_runtime.consumer import TRANSIENT_ERRORS

log = logging.getLogger(__name__)

MEDIA_TYPE = "application/problem+json"
MAX_MESSAGE = 300
MAX_ERRORS = 50


class FieldError(BaseModel):
    loc: list[str | int] = Field(description="Where: body/query/path and the field path")
    msg: str = Field(max_length=MAX_MESSAGE)


class Problem(BaseModel):
    """RFC 9457 problem details. Some answers add members (rows of an upload, rejected scans)."""

    model_config = ConfigDict(extra="allow")

    type: str = "about:blank"
    title: str
    status: int = Field(ge=400, le=599)
    detail: str = Field(default="", max_length=MAX_MESSAGE)
    errors: list[FieldError] = Field(default_factory=list, max_length=MAX_ERRORS)
    correlation_id: str | None = Field(default=None, description="Quote it when reporting a 500")


def _doc(description: str) -> dict[str, Any]:
    return {"description": description, "model": Problem, "content": {MEDIA_TYPE: {}}}


RESPONSES: dict[int | str, dict[str, Any]] = {
    400: _doc("Malformed request (bad Content-Length, undecodable body)"),
    404: _doc("No such resource"),
    408: _doc("The request body did not arrive in time"),
    409: _doc("Conflicts with the current state"),
    413: _doc("The request body is larger than this service accepts"),
    422: _doc("Invalid input; `errors` names each field"),
    500: _doc("Unexpected error; quote `correlation_id`"),
    503: _doc("The database or broker is restarting; try again after `Retry-After` seconds"),
}
"""Documented on every route, so a client (and schemathesis) knows every status it can get."""

AUTH_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: _doc("No valid token: send `Authorization: Bearer <token>` signed by the console"),
    403: _doc("The token's role may not do this (viewers and SREs change nothing)"),
}
"""Documented on every route that needs a token (all but health and metrics)."""


def cap(text: str, limit: int = MAX_MESSAGE) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def body(status: int, detail: str = "", **members: Any) -> dict[str, Any]:
    title = HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else "Error"
    return {
        "type": "about:blank",
        "title": title,
        "status": status,
        "detail": cap(detail),
        **members,
    }


def response(status: int, detail: str = "", **members: Any) -> JSONResponse:
    return JSONResponse(body(status, detail, **members), status_code=status, media_type=MEDIA_TYPE)


def _loc(loc: Any) -> list[str | int]:
    return [p if isinstance(p, int) else cap(str(p), 100) for p in loc][:20]


def _capped(value: Any, depth: int = 0) -> Any:
    """Extension members (per-row errors of an upload) with every string and list bounded."""
    if isinstance(value, str):
        return cap(value)
    if isinstance(value, dict):
        return {cap(str(k), 100): _capped(v, depth + 1) for k, v in list(value.items())[:50]}
    if isinstance(value, list | tuple):
        return [_capped(v, depth + 1) for v in list(value)[:MAX_ERRORS]]
    return value


def _allowed_methods(request: Request) -> str:
    """Every documented method of the path, not only those of the first route that matched."""
    methods: set[str] = set()
    for template, operations in request.app.openapi().get("paths", {}).items():
        pattern = re.sub(r"\\{[^/}]+\\}", "[^/]+", re.escape(template))
        if re.fullmatch(pattern, request.url.path):
            methods |= {m.upper() for m in operations}
    return ", ".join(sorted(methods))


async def _http_exception(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    detail: Any = exc.detail
    members: dict[str, Any] = {}
    if isinstance(detail, dict):
        members = {k: _capped(v) for k, v in detail.items() if k not in {"message", "status"}}
        detail = detail.get("message", "")
    result = response(exc.status_code, str(detail), **members)
    for name, value in (exc.headers or {}).items():
        result.headers[name] = value
    if exc.status_code == 405:
        result.headers["Allow"] = _allowed_methods(request)
    return result


def _error_loc(error: Any) -> list[str | int]:
    """The field path; a model-level check that names a nested field (`ctx.field`, as the
    collector's control-character rule does) points at that field."""
    loc = list(error.get("loc", ()))
    field = (error.get("ctx") or {}).get("field")
    if isinstance(field, str) and field:
        loc += [int(p) if p.isdigit() else p for p in field.split(".")]
    return _loc(loc)


async def _validation_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [
        {"loc": _error_loc(e), "msg": cap(str(e.get("msg", "")))} for e in exc.errors()[:MAX_ERRORS]
    ]
    where = ", ".join(".".join(str(p) for p in e["loc"]) for e in errors[:5])
    return response(422, f"invalid input: {where}", errors=errors)


class WatchedSend:
    """`send`, noting whether the response has started: after that no error answer can
    replace it, and the exception must propagate."""

    def __init__(self, send: Send) -> None:
        self._send = send
        self.started = False

    async def __call__(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.started = True
        await self._send(message)


class CatchUnhandled:
    """Any exception a route lets escape becomes a 500 problem with a correlation id. Only the
    exception's type and place are logged: its message may hold personal data (a row's values)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        watched = WatchedSend(send)
        try:
            await self.app(scope, receive, watched)
        except Exception as exc:
            correlation_id = uuid.uuid4().hex
            transient = isinstance(exc, TRANSIENT_ERRORS)
            log.error(
                "%s %s in %s %s at %s (correlation_id %s)",
                "unavailable:" if transient else "unhandled",
                type(exc).__name__,
                scope.get("method", ""),
                scope.get("path", ""),
                _places(exc),
                correlation_id,
            )
            if watched.started:
                raise
            if transient:  # the database or broker is restarting: the caller may try again
                answer = response(
                    503,
                    "a backing service (database or broker) is unavailable; try again shortly",
                    correlation_id=correlation_id,
                )
                answer.headers["Retry-After"] = "2"
            else:
                answer = response(
                    500,
                    "unexpected error; quote the correlation_id when reporting it",
                    correlation_id=correlation_id,
                )
            await answer(scope, receive, send)


def _places(exc: BaseException) -> str:
    """Where it happened: the innermost frame of our own code, and the innermost frame of all
    (file and line only; never the message, which may carry personal data)."""
    frames = []
    where = exc.__traceback__
    while where is not None:
        frames.append(f"{where.tb_frame.f_code.co_filename}:{where.tb_lineno}")
        where = where.tb_next
    ours = [f for f in frames if "packline_" in f]
    return ", ".join(dict.fromkeys([*ours[-1:], *frames[-1:]])) or "unknown"


def install(app: FastAPI) -> None:
    app.add_exception_handler(HTTPException, _http_exception)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_middleware(CatchUnhandled)
