"""422 answers that name the field and the problem but never echo the input: request bodies
carry marketplace keys and recipients' personal data."""

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse


def _loc(error: dict[str, Any]) -> list[Any]:
    """The field path; a control character found in a nested field points at that field."""
    loc = list(error.get("loc", ()))
    field = (
        (error.get("ctx") or {}).get("field") if error.get("type") == "control_character" else ""
    )
    return loc + [int(p) if p.isdigit() else p for p in field.split(".")] if field else loc


async def _without_input(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [
        {"loc": _loc(e), "msg": e.get("msg", ""), "type": e.get("type", "")} for e in exc.errors()
    ]
    return JSONResponse({"detail": errors}, status_code=422)


def install(app: FastAPI) -> FastAPI:
    app.add_exception_handler(RequestValidationError, _without_input)
    return app
