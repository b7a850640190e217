"""A person's new mapping (매칭) racing a consumer batch that cancels one waiting order of that
listing and brings another, on real PostgreSQL through the real HTTP route: the click never
fails for the race, and no order is left waiting for a listing that now has a mapping."""

import asyncio
from typing import Any

import httpx
from fastapi import FastAPI

from packline_contracts import Event, OrderCancelled
from packline_launcher.testing import collected, line
from packline_launcher.testing_http import guarded_app, runtime_on
from packline_launcher.testing_tokens import TestTokens
from packline_matcher.adapters import catalogue
from packline_matcher.bootstrap import MIGRATIONS, SERVICE
from packline_matcher.domain.catalogue import CatalogueItem
from packline_matcher.entrypoints import http
from packline_matcher.service_layer import use_cases
from packline_runtime.unit_of_work import unit_of_work

ROUNDS = 30


def _matcher_api(pool: Any) -> FastAPI:
    runtime = runtime_on(SERVICE, MIGRATIONS, pool)
    app = guarded_app(http.router(runtime))
    return app


async def _consume(pool: Any, events: list[Event]) -> BaseException | None:
    try:
        async with unit_of_work(pool) as uow:
            await use_cases.handle_events(uow, events)
    except Exception as exc:
        return exc
    return None


async def test_a_mapping_racing_a_batch_of_its_listing_never_fails(
    new_schema: Any, service_tokens: TestTokens
) -> None:
    pool = await new_schema(MIGRATIONS, prefix="maprace", max_size=6)
    async with unit_of_work(pool) as uow:
        await catalogue.upsert(uow.conn, "s1", [CatalogueItem("RICE", "현미", "5kg")], "tester")
    answers: list[int] = []
    consumer_errors: list[str] = []
    transport = httpx.ASGITransport(app=_matcher_api(pool))
    async with httpx.AsyncClient(
        transport=transport, base_url="http://matcher", headers=service_tokens.headers("s1")
    ) as client:
        for n in range(ROUNDS):
            listing = f"80{n:02d}"
            gone, later = (
                collected(10 * n + 1, line(listing, "1")),
                collected(10 * n + 2, line(listing, "1")),
            )
            async with unit_of_work(pool) as uow:
                await use_cases.handle_events(uow, [gone])
            cancel = OrderCancelled(
                **gone.follow_up(), order=gone.order, recipient_key=gone.recipient_key
            )
            mapping, consumed = await asyncio.gather(
                client.post(
                    "/mappings",
                    json={
                        "seller_id": "s1",
                        "marketplace": "COUPANG",
                        "listing_id": listing,
                        "option_id": "1",
                        "skus": [{"sku": "RICE", "quantity": 1}],
                    },
                ),
                _consume(pool, [cancel, later]),
            )
            answers.append(mapping.status_code)
            if consumed is not None:
                consumer_errors.append(repr(consumed))
                assert await _consume(pool, [cancel, later]) is None  # redelivered
            waiting = await pool.fetchval(
                "SELECT count(*) FROM held_orders WHERE order_uid = ANY($1::text[])",
                [gone.order.uid, later.order.uid],
            )
            assert waiting == 0, f"round {n}: an order still waits for a mapped listing"
    assert all(code == 201 for code in answers), answers
    assert consumer_errors == []
