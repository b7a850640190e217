"""The waybill app as `packline up` builds it, on real PostgreSQL: every operation of its
OpenAPI document answers 401 without a service token, except health, metrics and the courier's
webhook, which couriers sign with their API secret instead (checked by the route itself)."""

import re
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from packline_runtime.settings import Settings
from packline_waybill.bootstrap import MIGRATIONS, create_app

OPEN = {"/health/live", "/health/ready", "/metrics"}
WEBHOOK = "/courier-webhooks/{account_id}"


@pytest.fixture
async def app_client(new_schema: Any) -> AsyncIterator[tuple[Any, httpx.AsyncClient]]:
    pool = await new_schema(MIGRATIONS, prefix="wbg")
    app = create_app(Settings())
    app.state.packline._pool = pool  # the routes' pool, without starting broker and workers
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://waybill") as client:
        yield app, client


async def test_every_operation_but_health_metrics_and_the_webhook_needs_a_token(
    app_client: Any,
) -> None:
    app, client = app_client
    operations = [
        (method.upper(), path)
        for path, item in app.openapi()["paths"].items()
        for method in item
        if path not in OPEN and path != WEBHOOK
    ]
    assert len(operations) > 20
    for method, path in operations:
        url = re.sub(r"\{[^}]+\}", "1", path)
        answer = await client.request(method, url)
        assert answer.status_code == 401, (method, path, answer.text)
        assert answer.headers["www-authenticate"].startswith("Bearer")


async def test_the_courier_webhook_needs_no_token_but_its_own_signature(app_client: Any) -> None:
    _, client = app_client

    unknown = await client.post("/courier-webhooks/999999", content=b"{}")

    assert unknown.status_code == 404  # answered by the route itself, not the token guard
    assert "www-authenticate" not in unknown.headers
