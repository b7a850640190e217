"""미할당주문나누기 over the allocator's HTTP routes against real PostgreSQL: GET/PUT
/settings/partial (off until saved; per marketplace), scoped to the caller's seller (another
seller: 404), and the next wave applying it."""

from collections.abc import AsyncIterator
from typing import Any

import pytest

from packline_launcher.testing_tokens import TestTokens
from packline_runtime.tokens import Role
from services.allocator.tests.integration.serving import serving
from services.allocator.tests.integration.test_rules_http import Allocator


@pytest.fixture
async def allocator(new_schema: Any, service_tokens: TestTokens) -> AsyncIterator[Allocator]:
    async with serving(new_schema, service_tokens, "allocp", Allocator) as served:
        yield served


async def test_the_setting_is_off_until_saved_and_kept_per_marketplace(
    allocator: Allocator,
) -> None:
    off = await allocator.ok("GET", "/settings/partial")
    assert off == {"seller_id": "sa", "allowed": False, "marketplaces": {}}
    body = {"allowed": True, "marketplaces": {"COUPANG": False}}
    saved = await allocator.ok("PUT", "/settings/partial", json=body)
    assert saved == {"seller_id": "sa", "allowed": True, "marketplaces": {"COUPANG": False}}
    assert await allocator.ok("GET", "/settings/partial") == saved
    row = await allocator.pool.fetchrow("SELECT updated_by FROM partial_shipment")
    assert row["updated_by"] == "tester"

    unknown = await allocator.call(
        "PUT", "/settings/partial", json={"allowed": True, "marketplaces": {"EBAY": True}}
    )
    assert unknown.status_code == 422


async def test_another_sellers_setting_is_not_found_and_viewers_only_read(
    allocator: Allocator,
) -> None:
    other = await allocator.call("GET", "/settings/partial?seller_id=sb")
    assert other.status_code == 404
    put_other = await allocator.call(
        "PUT", "/settings/partial", json={"seller_id": "sb", "allowed": True}
    )
    assert put_other.status_code == 404
    viewer = await allocator.call(
        "PUT", "/settings/partial", role=Role.VIEWER, json={"allowed": True}
    )
    assert viewer.status_code == 403
    assert (await allocator.call("GET", "/settings/partial", role=Role.VIEWER)).status_code == 200
