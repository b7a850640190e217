"""422 answers that name the field and the problem but never echo the input: request bodies
carry marketplace keys and recipients' personal data."""

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse


async def _without_input(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [
        {"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type", "")}
        for e in exc.errors()
    ]
    return JSONResponse({"detail": errors}, status_code=422)


def install(app: FastAPI) -> FastAPI:
    app.add_exception_handler(RequestValidationError, _without_input)
    return app
