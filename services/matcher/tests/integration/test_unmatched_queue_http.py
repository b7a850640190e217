"""The matcher's lists over the real HTTP routes, on PostgreSQL: the unmatched queue (미매칭)
with a large catalogue never stalls the service's event loop and serves suggestions computed
beforehand; every list comes a page at a time and returns each row once."""

import asyncio
import contextlib
import random
import time
from collections.abc import AsyncIterator
from typing import Any

import httpx
from fastapi import FastAPI

from packline_launcher.testing import collected, line
from packline_launcher.testing_http import guarded_app, runtime_on
from packline_launcher.testing_tokens import TestTokens
from packline_matcher.adapters import catalogue
from packline_matcher.bootstrap import MIGRATIONS, SERVICE
from packline_matcher.domain.catalogue import CatalogueItem
from packline_matcher.entrypoints import catalogue_http, http
from packline_matcher.service_layer import suggestions, use_cases
from packline_runtime.service import ServiceRuntime
from packline_runtime.unit_of_work import unit_of_work

CATALOGUE_SIZE = 20_000
WAITING = 500
LISTINGS = 25  # waiting orders cluster on a few unmapped listings, as in a seller's queue
WORDS = "유기농 현미 찹쌀 계란 사과 배 우유 두부 김치 참기름 들기름 고추장 된장 간장 멸치".split()


def _matcher_api(pool: Any) -> tuple[ServiceRuntime, FastAPI]:
    """The matcher's queue routes on the test's pool (they need no broker)."""
    runtime = runtime_on(SERVICE, MIGRATIONS, pool)
    app = guarded_app(http.router(runtime), catalogue_http.router(runtime))
    return runtime, app


@contextlib.asynccontextmanager
async def _loop_stalls() -> AsyncIterator[list[float]]:
    """The longest time the event loop went without running a 10 ms ticker, while inside."""
    worst = [0.0]

    async def tick() -> None:
        last = time.perf_counter()
        while True:
            await asyncio.sleep(0.01)
            now = time.perf_counter()
            worst[0] = max(worst[0], now - last)
            last = now

    ticker = asyncio.create_task(tick())
    try:
        yield worst
    finally:
        ticker.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await ticker


async def _seed(pool: Any) -> None:
    rng = random.Random(8)
    items = [
        CatalogueItem(f"SKU{n:05d}", " ".join(rng.sample(WORDS, 3)), f"{rng.randint(1, 20)}kg")
        for n in range(CATALOGUE_SIZE)
    ]
    items[4242] = CatalogueItem("RICE-5", "유기농 현미 햅쌀", "5kg")
    async with unit_of_work(pool) as uow:
        await catalogue.upsert(uow.conn, "s1", items, "tester")
    orders = []
    for n in range(WAITING):
        listing = n % LISTINGS
        waiting = line(f"90{listing:02d}", f"90{listing:02d}1").model_copy(
            update={"product_name": f"[특가] 유기농 현미 햅쌀 {listing}호", "option_name": "5kg"}
        )
        orders.append(collected(n, waiting))
    async with unit_of_work(pool) as uow:
        await use_cases.handle_events(uow, orders)


async def test_the_queue_is_served_from_precomputed_suggestions_without_stalling_the_loop(
    new_schema: Any,
    service_tokens: TestTokens,
) -> None:
    pool = await new_schema(MIGRATIONS, prefix="queue")
    await _seed(pool)
    runtime, app = _matcher_api(pool)
    await _suggest_everything(runtime)
    seen: list[str] = []
    async with (
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app),
            base_url="http://m",
            headers=service_tokens.headers("s1"),
        ) as client,
        _loop_stalls() as worst,
    ):
        first = await client.get("/unmatched", params={"seller_id": "s1", "limit": 200})
        assert first.status_code == 200, first.text[:500]
        page = first.json()
        while True:
            for entry in page["items"]:
                seen.append(entry["order"])
                [waiting] = entry["lines"]
                assert waiting["unmatched"] is True
                assert waiting["suggestions"][0]["sku"] == "RICE-5"  # computed beforehand
                assert len(waiting["suggestions"]) == 5
            if page["next"] is None:
                break
            response = await client.get(
                "/unmatched", params={"seller_id": "s1", "limit": 200, "cursor": page["next"]}
            )
            assert response.status_code == 200, response.text[:500]
            page = response.json()
    assert worst[0] < 1.0, f"the event loop stalled {worst[0]:.2f}s while serving the queue"
    assert len(seen) == WAITING and len(set(seen)) == WAITING  # every order once


async def _suggest_everything(runtime: ServiceRuntime) -> None:
    """What the service's background job does, run here until nothing is left to suggest."""
    deadline = time.monotonic() + 120
    while await suggestions.refresh(runtime.pool, limit=100):
        assert time.monotonic() < deadline, "suggestions were not all computed in 120 s"


async def test_bad_paging_input_is_a_clear_422(new_schema: Any, service_tokens: TestTokens) -> None:
    pool = await new_schema(MIGRATIONS, prefix="queue")
    _, app = _matcher_api(pool)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url="http://m",
        headers=service_tokens.headers("s1"),
    ) as client:
        for params in ({"limit": 201}, {"limit": 0}, {"cursor": "not-a-cursor"}):
            response = await client.get("/unmatched", params=params)
            assert response.status_code == 422, (params, response.text[:300])


async def _every_page(client: httpx.AsyncClient, path: str, **params: Any) -> list[Any]:
    found: list[Any] = []
    while True:
        response = await client.get(path, params=params)
        assert response.status_code == 200, response.text[:300]
        page = response.json()
        found += page["items"]
        if page["next"] is None:
            return found
        params["cursor"] = page["next"]


async def test_the_catalogue_and_mappings_come_a_page_at_a_time(
    new_schema: Any, service_tokens: TestTokens
) -> None:
    pool = await new_schema(MIGRATIONS, prefix="queue")
    _, app = _matcher_api(pool)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url="http://m",
        headers=service_tokens.headers("s1"),
    ) as client:
        items = [{"sku": f"SKU{n}", "name": f"상품 {n}"} for n in range(7)]
        response = await client.post("/catalogue", json={"seller_id": "s1", "items": items})
        assert response.status_code == 200, response.text[:300]
        for n in range(7):
            body = {
                "seller_id": "s1",
                "marketplace": "NAVER" if n % 2 else "COUPANG",
                "listing_id": f"L{n}",
                "skus": [{"sku": f"SKU{n}", "quantity": 1}],
            }
            assert (await client.post("/mappings", json=body)).status_code == 201
        skus = await _every_page(client, "/catalogue", seller_id="s1", limit=3)
        assert [s["sku"] for s in skus] == [f"SKU{n}" for n in range(7)]
        mappings = await _every_page(client, "/mappings", seller_id="s1", limit=2)
        assert sorted(m["listing_id"] for m in mappings) == [f"L{n}" for n in range(7)]
        wrong_list = (await client.get("/catalogue", params={"seller_id": "s1", "limit": 3})).json()
        for path, params in (
            ("/catalogue", {"limit": 201}),
            ("/catalogue", {"cursor": "%%%"}),
            ("/mappings", {"cursor": wrong_list["next"]}),  # another list's token
            ("/mappings", {"limit": 5000}),
        ):
            response = await client.get(path, params={"seller_id": "s1", **params})
            assert response.status_code == 422, (path, params, response.text[:300])


async def test_another_sellers_queue_catalogue_and_mappings_are_not_there(
    new_schema: Any, service_tokens: TestTokens
) -> None:
    pool = await new_schema(MIGRATIONS, prefix="queue")
    _, app = _matcher_api(pool)
    async with unit_of_work(pool) as uow:
        await use_cases.handle_events(uow, [collected(1, line("7001", "1"))])
    transport = httpx.ASGITransport(app=app)
    async with (
        httpx.AsyncClient(
            transport=transport,
            base_url="http://m",
            headers=service_tokens.headers("s1", sub="kim"),
        ) as own,
        httpx.AsyncClient(
            transport=transport, base_url="http://m", headers=service_tokens.headers("s2")
        ) as other,
    ):
        items = [{"sku": "RICE", "name": "현미"}]
        assert (await own.post("/catalogue", json={"items": items})).status_code == 200
        mapping = {
            "marketplace": "COUPANG",
            "listing_id": "L1",
            "skus": [{"sku": "RICE", "quantity": 1}],
        }
        claimed = await own.post("/mappings", json={**mapping, "created_by": "lee"})
        assert claimed.status_code == 201, claimed.text
        assert len((await own.get("/unmatched")).json()["items"]) == 1
        assert (await other.get("/unmatched")).json()["items"] == []
        assert (await other.get("/catalogue")).json()["items"] == []
        assert (await other.get("/mappings")).json()["items"] == []
        assert (await other.get("/stats")).json() == {
            "matched": 0,
            "unmatched": 0,
            "mappings": 0,
            "cancelled": 0,
        }
        assert (await own.get("/stats")).json()["unmatched"] == 1
        for method, path, params, body in (
            ("GET", "/unmatched", {"seller_id": "s1"}, None),
            ("GET", "/catalogue", {"seller_id": "s1"}, None),
            ("GET", "/mappings", {"seller_id": "s1"}, None),
            ("POST", "/mappings", {}, {**mapping, "seller_id": "s1"}),
            ("POST", "/catalogue", {}, {"seller_id": "s1", "items": items}),
        ):
            answer = await other.request(method, path, params=params, json=body)
            assert answer.status_code == 404, (path, answer.text)
        gone = await other.request(
            "DELETE",
            "/mappings",
            params={"marketplace": "COUPANG", "listing_id": "L1", "reason": "wrong"},
        )
        assert gone.status_code == 404
        [entry] = (await own.get("/mappings")).json()["items"]
    assert entry["created_by"] == "kim"
