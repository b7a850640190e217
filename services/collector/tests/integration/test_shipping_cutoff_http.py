"""GET/PUT /settings/shipping-cutoff over real HTTP: the default until a seller sets its own, the
row stored with who set it, null back to the default; viewers read and may not change; another
seller is answered 404 and never sees or changes the seller's cut-off; not HH:MM is 422."""

from collections.abc import AsyncIterator
from datetime import time

import pytest

from packline_launcher.testing_tokens import TestTokens
from packline_runtime.tokens import Role

from .serving import Served, answer, served

A, B = "cutoff-http-a", "cutoff-http-b"
PATH = "/settings/shipping-cutoff"


@pytest.fixture(scope="module")
async def collector(
    database_url: str, kafka_bootstrap: str, secrets_key: str, service_tokens: TestTokens
) -> AsyncIterator[Served]:
    async with served(database_url, kafka_bootstrap, secrets_key, service_tokens) as s:
        yield s


async def _stored(s: Served, seller: str) -> tuple[time, str] | None:
    row = await s.pool.fetchrow(
        "SELECT cutoff, updated_by FROM shipping_cutoffs WHERE seller_id = $1", seller
    )
    return None if row is None else (row["cutoff"], row["updated_by"])


async def test_a_seller_sets_its_own_cut_off_and_goes_back_to_the_default(
    collector: Served,
) -> None:
    async with collector.as_seller(A, Role.OPERATOR, sub="op-kim") as http:
        before = await answer(await http.get(PATH))
        assert before == {
            "seller_id": A,
            "cutoff": "15:00",
            "timezone": "Asia/Seoul",
            "source": "DEFAULT",
            "default_cutoff": "15:00",
            "updated_by": None,
            "updated_at": None,
        }
        put = await answer(await http.put(PATH, json={"cutoff": "11:30"}))
        assert (put["cutoff"], put["source"], put["updated_by"]) == ("11:30", "SELLER", "op-kim")
        assert put["updated_at"].endswith("Z") or put["updated_at"].endswith("+00:00")
        assert await _stored(collector, A) == (time(11, 30), "op-kim")
        assert (await answer(await http.get(PATH, params={"seller_id": A})))["cutoff"] == "11:30"

        back = await answer(await http.put(PATH, json={"seller_id": A, "cutoff": None}))
        assert (back["cutoff"], back["source"], back["updated_by"]) == ("15:00", "DEFAULT", None)
        assert await _stored(collector, A) is None


async def test_viewers_read_and_may_not_change(collector: Served) -> None:
    async with collector.as_seller(A, Role.OWNER) as http:
        await answer(await http.put(PATH, json={"cutoff": "09:00"}))
    async with collector.as_seller(A, Role.VIEWER, sub="viewer") as http:
        assert (await answer(await http.get(PATH)))["cutoff"] == "09:00"
        refused = await http.put(PATH, json={"cutoff": "18:00"})
        assert refused.status_code == 403, refused.text
    assert await _stored(collector, A) == (time(9, 0), "tester")


async def test_another_seller_is_answered_404_and_changes_nothing(collector: Served) -> None:
    async with collector.as_seller(A) as http:
        await answer(await http.put(PATH, json={"cutoff": "10:00"}))
    async with collector.as_seller(B) as http:
        assert (await http.get(PATH, params={"seller_id": A})).status_code == 404
        named = await http.put(PATH, json={"seller_id": A, "cutoff": "23:00"})
        assert named.status_code == 404, named.text
        own = await answer(await http.get(PATH))
        assert (own["seller_id"], own["cutoff"], own["source"]) == (B, "15:00", "DEFAULT")
    assert await _stored(collector, A) == (time(10, 0), "tester")
    assert await _stored(collector, B) is None


@pytest.mark.parametrize("bad", ["15", "24:00", "9:00", "15:00:00", "3pm", ""])
async def test_a_cut_off_that_is_not_hh_mm_is_refused(collector: Served, bad: str) -> None:
    async with collector.as_seller(B) as http:
        refused = await http.put(PATH, json={"cutoff": bad})
        assert refused.status_code == 422, refused.text
        assert (await http.put(PATH, json={})).status_code == 422  # null or HH:MM, not absent
    assert await _stored(collector, B) is None


async def test_the_route_is_documented_with_its_models(collector: Served) -> None:
    async with collector.as_seller(A) as http:
        spec = await answer(await http.get("/openapi.json"))
    ops = spec["paths"][PATH]
    assert ops["get"]["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ShippingCutoffOut"
    }
    assert "ShippingCutoffIn" in str(ops["put"]["requestBody"])
