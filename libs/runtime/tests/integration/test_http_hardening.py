"""Every service's HTTP app, as `ServiceRuntime.create_app` builds it: errors are problem details
that never echo the input, a crash is a 500 with a correlation id, and request bodies are bounded
in size (declared or chunked) and in time (a stalled upload is answered 408)."""

import asyncio
import contextlib
import json
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Annotated

import httpx
import pytest
import uvicorn
from fastapi import APIRouter, Body, Request
from pydantic import BaseModel, Field

from packline_runtime import tokens
from packline_runtime.service import ServiceRuntime
from packline_runtime.settings import Settings

NO_SERVICE_MIGRATIONS = Path(__file__).parent / "sql_empty"
_PRIVATE, _PUBLIC = tokens.new_key_pair()
_TOKEN = tokens.sign(
    tokens.load_private_key(_PRIVATE),
    tokens.Caller(sub="tester", seller_id="seller-a", role=tokens.Role.OPERATOR),
)
AUTH = {"authorization": f"Bearer {_TOKEN}"}
AUTH_LINE = f"Authorization: Bearer {_TOKEN}\r\n".encode()
SECRET = "010-9999-" + "8" * 4000
JSON = {"content-type": "application/json"}


class Thing(BaseModel):
    name: str = Field(min_length=1, max_length=10)
    count: int = Field(ge=0, le=100)


def _routes() -> APIRouter:
    api = APIRouter()

    @api.post("/things")
    async def add_thing(thing: Annotated[Thing, Body()]) -> Thing:
        return thing

    @api.get("/things")
    async def list_things() -> list[Thing]:
        return []

    @api.post("/upload")
    async def upload(request: Request) -> dict[str, int]:
        return {"bytes": len(await request.body())}

    @api.get("/crash")
    async def crash() -> dict[str, str]:
        raise RuntimeError(f"recipient {SECRET} broke it")

    @api.get("/database-down")
    async def database_down() -> dict[str, str]:
        raise ConnectionRefusedError(f"recipient {SECRET}: connection refused")

    return api


@contextlib.asynccontextmanager
async def _serve(database_url: str, kafka_bootstrap: str) -> AsyncIterator[int]:
    settings = Settings(
        database_url=database_url,
        kafka_bootstrap=kafka_bootstrap,
        http_max_json_bytes=4096,
        http_max_upload_bytes=64 * 1024,
        http_body_timeout_seconds=1.0,
        token_public_key=_PUBLIC,
    )
    runtime = ServiceRuntime(f"http_{uuid.uuid4().hex[:8]}", settings, NO_SERVICE_MIGRATIONS)
    app = runtime.create_app("hardening test", _routes())
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="critical"))
    task = asyncio.create_task(server.serve())
    deadline = asyncio.get_running_loop().time() + 60
    while not server.started:
        assert not task.done(), "the app stopped during startup"
        assert asyncio.get_running_loop().time() < deadline, "the app did not start in 60 s"
        await asyncio.sleep(0.05)
    try:
        yield int(server.servers[0].sockets[0].getsockname()[1])
    finally:
        server.should_exit = True
        await task


@pytest.fixture(scope="module")
async def port(database_url: str, kafka_bootstrap: str) -> AsyncIterator[int]:
    async with _serve(database_url, kafka_bootstrap) as bound:
        yield bound


async def _raw(port: int, head: bytes, body_parts: list[bytes], read_timeout: float = 10) -> bytes:
    """Send the head and parts as they are, then read the answer until the server closes or the
    timeout passes (the parts may be less than the head promised: a stalled upload)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(head)
        for part in body_parts:
            writer.write(part)
            await writer.drain()
        answer = b""
        with contextlib.suppress(TimeoutError, ConnectionResetError):
            async with asyncio.timeout(read_timeout):
                while chunk := await reader.read(65536):
                    answer += chunk
                    if b"\r\n\r\n" in answer and _complete(answer):
                        break
        return answer
    finally:
        writer.close()
        with contextlib.suppress(ConnectionResetError, BrokenPipeError):
            await writer.wait_closed()


def _complete(answer: bytes) -> bool:
    head, _, rest = answer.partition(b"\r\n\r\n")
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            return len(rest) >= int(line.split(b":", 1)[1])
    return False


def _status_and_problem(answer: bytes) -> tuple[int, dict[str, object]]:
    head, _, rest = answer.partition(b"\r\n\r\n")
    assert head, "no answer at all"
    status = int(head.split(b" ", 2)[1])
    assert b"content-type: application/problem+json" in head.lower(), head
    return status, json.loads(rest)


async def test_an_invalid_field_is_a_problem_naming_it_without_echoing_the_input(port: int) -> None:
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", headers=AUTH) as http:
        answer = await http.post("/things", json={"name": SECRET[:900], "count": -1})
    assert answer.status_code == 422
    assert answer.headers["content-type"] == "application/problem+json"
    problem = answer.json()
    assert problem["status"] == 422 and problem["title"] == "Unprocessable Entity"
    assert {tuple(e["loc"]) for e in problem["errors"]} == {("body", "name"), ("body", "count")}
    assert "010-9999" not in answer.text and len(answer.text) < 2000


async def test_a_crash_is_a_500_problem_with_a_correlation_id_and_no_personal_data(
    port: int, caplog: pytest.LogCaptureFixture
) -> None:
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", headers=AUTH) as http:
        answer = await http.get("/crash")
    assert answer.status_code == 500
    problem = answer.json()
    assert problem["status"] == 500 and len(problem["correlation_id"]) == 32
    assert "010-9999" not in answer.text
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert problem["correlation_id"] in logged and "010-9999" not in logged


async def test_a_backing_service_that_is_down_is_a_503_to_retry_not_a_500(
    port: int, caplog: pytest.LogCaptureFixture
) -> None:
    """PostgreSQL or the broker restarting is not a bug: the caller is told to try again."""
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", headers=AUTH) as http:
        answer = await http.get("/database-down")
    assert answer.status_code == 503 and answer.headers["retry-after"] == "2"
    assert answer.json()["status"] == 503 and "010-9999" not in answer.text
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "ConnectionRefusedError" in logged and "010-9999" not in logged


async def test_an_unknown_route_and_a_wrong_method_are_problems(port: int) -> None:
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", headers=AUTH) as http:
        missing = await http.get("/no-such-thing")
        wrong = await http.delete("/things")
    assert (missing.status_code, missing.json()["status"]) == (404, 404)
    assert (wrong.status_code, wrong.headers["content-type"]) == (405, "application/problem+json")


async def test_a_declared_oversized_json_body_is_413_before_it_is_read(port: int) -> None:
    head = (
        b"POST /things HTTP/1.1\r\nHost: t\r\n" + AUTH_LINE + b"Content-Type: application/json\r\n"
        b"Content-Length: 5000\r\n\r\n"
    )
    status, problem = _status_and_problem(await _raw(port, head, []))  # no body sent at all
    assert status == 413 and problem["status"] == 413
    assert "4,096 bytes" in str(problem["detail"])


async def test_an_upload_gets_the_larger_limit(port: int) -> None:
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", headers=AUTH) as http:
        fits = await http.post("/upload", content=b"x" * 60_000)
        too_big = await http.post("/upload", content=b"x" * 70_000)
    assert (fits.status_code, fits.json()) == (200, {"bytes": 60_000})
    assert too_big.status_code == 413


async def test_an_oversized_chunked_body_is_stopped_at_the_limit(port: int) -> None:
    head = (
        b"POST /upload HTTP/1.1\r\nHost: t\r\n" + AUTH_LINE + b"Transfer-Encoding: chunked\r\n\r\n"
    )
    chunk = b"y" * 16384
    parts = [b"%x\r\n" % len(chunk) + chunk + b"\r\n" for _ in range(6)] + [b"0\r\n\r\n"]
    status, problem = _status_and_problem(await _raw(port, head, parts))
    assert status == 413 and "65,536 bytes" in str(problem["detail"])


async def test_a_stalled_upload_is_answered_408(port: int) -> None:
    head = (
        b"POST /upload HTTP/1.1\r\nHost: t\r\n" + AUTH_LINE + b"Content-Type: text/csv\r\n"
        b"Content-Length: 1000\r\n\r\n"
    )
    status, problem = _status_and_problem(await _raw(port, head, [b"a,b\r\n" * 20]))
    assert status == 408 and problem["status"] == 408


async def test_a_stalled_json_body_is_answered_408(port: int) -> None:
    head = (
        b"POST /things HTTP/1.1\r\nHost: t\r\n" + AUTH_LINE + b"Content-Type: application/json\r\n"
        b"Content-Length: 100\r\n\r\n"
    )
    status, _ = _status_and_problem(await _raw(port, head, [b'{"name": "a"']))
    assert status == 408


async def test_every_route_documents_its_error_answers(port: int) -> None:
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", headers=AUTH) as http:
        spec = (await http.get("/openapi.json")).json()
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            documented = set(operation["responses"])
            assert {"404", "408", "413", "422", "500"} <= documented, (method, path)
            assert "application/problem+json" in operation["responses"]["422"]["content"]


async def test_a_nul_character_in_the_query_or_a_json_body_is_refused(port: int) -> None:
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", headers=AUTH) as http:
        in_query = await http.get("/no-such-thing", params={"seller_id": "a\x00b"})
        in_body = await http.post(
            "/things", content=b'{"name": "a\\u0000b", "count": 1}', headers=JSON
        )
        escaped_backslash = await http.post(
            "/things", content=b'{"name": "a\\\\u0000", "count": 1}', headers=JSON
        )
    assert (in_query.status_code, in_query.json()["status"]) == (422, 422)
    assert in_body.status_code == 422 and "NUL" in in_body.json()["detail"]
    assert escaped_backslash.status_code == 200


async def test_an_undocumented_method_answers_405_naming_every_method_of_the_path(
    port: int,
) -> None:
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", headers=AUTH) as http:
        answer = await http.request("OPTIONS", "/things")
    assert answer.status_code == 405
    assert set(answer.headers["allow"].replace(" ", "").split(",")) == {"GET", "POST"}


async def test_lists_are_typed_pages_with_a_capped_limit(port: int) -> None:
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", headers=AUTH) as http:
        first = await http.get("/dead-letters", params={"limit": 5})
        negative = await http.get("/dead-letters", params={"limit": -1})
        huge = await http.get("/decisions", params={"seller_id": "s", "limit": 10**30})
        beyond = await http.get("/decisions", params={"seller_id": "s", "offset": -3})
    assert first.status_code == 200
    assert first.json() == {"items": [], "next_before_id": None}  # newest first, by id
    for refused in (negative, huge, beyond):
        assert refused.status_code == 422 and refused.json()["errors"][0]["loc"][0] == "query"
