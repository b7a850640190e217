"""Every route `ServiceRuntime.create_app` builds needs a verified token, except health and
metrics; roles gate changes; a request naming another seller is answered 404."""

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated

import httpx
import pytest
from fastapi import APIRouter, Query

from packline_runtime import auth, tokens
from packline_runtime.service import ServiceRuntime
from packline_runtime.settings import Settings

NO_SERVICE_MIGRATIONS = Path(__file__).parent / "sql_empty"
PRIVATE, PUBLIC = tokens.new_key_pair()


def token(role: tokens.Role = tokens.Role.OPERATOR, seller: str = "seller-a", **kw: object) -> str:
    caller = tokens.Caller(sub="kim", seller_id=seller, role=role)
    return tokens.sign(tokens.load_private_key(PRIVATE), caller, **kw)  # type: ignore[arg-type]


def bearer(value: str) -> dict[str, str]:
    return {"authorization": f"Bearer {value}"}


def _routes() -> APIRouter:
    api = APIRouter()

    @api.get("/things")
    async def list_things(
        caller: auth.CallerDep, seller_id: Annotated[str | None, Query()] = None
    ) -> dict[str, str]:
        return {"seller_id": auth.own_seller(caller, seller_id), "sub": caller.sub}

    @api.post("/things")
    async def add_thing(caller: auth.CallerDep) -> dict[str, str]:
        return {"by": caller.sub}

    @api.put("/keys")
    async def put_keys(caller: auth.OwnerDep) -> dict[str, str]:
        return {"by": caller.sub}

    return api


def _app(public: str) -> httpx.AsyncClient:
    settings = Settings(token_public_key=public)
    runtime = ServiceRuntime(f"auth_{uuid.uuid4().hex[:8]}", settings, NO_SERVICE_MIGRATIONS)
    app = runtime.create_app("auth test", _routes())
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t")


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with _app(PUBLIC) as client:
        yield client


async def test_no_token_is_401_with_a_bearer_challenge(http: httpx.AsyncClient) -> None:
    for method, path in (("GET", "/things"), ("POST", "/things"), ("GET", "/dead-letters")):
        answer = await http.request(method, path)
        assert answer.status_code == 401, (method, path)
        assert answer.headers["www-authenticate"].startswith("Bearer")
        assert answer.headers["content-type"] == "application/problem+json"


async def test_health_and_metrics_need_no_token(http: httpx.AsyncClient) -> None:
    assert (await http.get("/health/live")).status_code == 200
    assert (await http.get("/metrics")).status_code == 200


async def test_bad_tokens_are_401_and_never_echoed(http: httpx.AsyncClient) -> None:
    other_private, _ = tokens.new_key_pair()
    forged = tokens.sign(
        tokens.load_private_key(other_private),
        tokens.Caller(sub="x", seller_id="seller-a", role=tokens.Role.OWNER),
    )
    expired = token(now=datetime.now(UTC) - timedelta(minutes=30))
    for value in (forged, expired, "not-a-jwt", token() + "x"):
        answer = await http.get("/things", headers=bearer(value))
        assert answer.status_code == 401
        assert value not in answer.text
    basic = await http.get("/things", headers={"authorization": "Basic a2ltOnB3"})
    assert basic.status_code == 401


async def test_a_valid_token_scopes_to_its_seller(http: httpx.AsyncClient) -> None:
    mine = await http.get("/things", headers=bearer(token()))
    assert mine.json() == {"seller_id": "seller-a", "sub": "kim"}
    theirs = await http.get("/things?seller_id=seller-b", headers=bearer(token()))
    assert theirs.status_code == 404


async def test_viewers_and_sres_change_nothing(http: httpx.AsyncClient) -> None:
    assert (await http.post("/things", headers=bearer(token()))).status_code == 200
    viewer = await http.post("/things", headers=bearer(token(tokens.Role.VIEWER)))
    assert viewer.status_code == 403
    assert (await http.get("/things", headers=bearer(token(tokens.Role.VIEWER)))).status_code == 200
    sre = bearer(token(tokens.Role.SRE))
    assert (await http.get("/things", headers=sre)).status_code == 403  # no tenant data


async def test_only_an_owner_may_change_keys(http: httpx.AsyncClient) -> None:
    assert (await http.put("/keys", headers=bearer(token()))).status_code == 403
    assert (await http.put("/keys", headers=bearer(token(tokens.Role.OWNER)))).status_code == 200


async def test_a_service_without_the_public_key_refuses_every_token() -> None:
    async with _app("") as http:
        answer = await http.get("/things", headers=bearer(token()))
    assert answer.status_code == 401
    assert tokens.PUBLIC_KEY_ENV in answer.json()["detail"]
