"""A person's merge (확인필요 → 합포) racing the consumer's new orders for the same recipients, on
real PostgreSQL through the real HTTP route: the click never fails for the race, and every order
ends in one live bundle."""

import asyncio
from datetime import timedelta
from typing import Any

import httpx
from fastapi import FastAPI

from packline_bundler.bootstrap import MIGRATIONS, SERVICE
from packline_bundler.entrypoints import http, review_http, settings_http
from packline_bundler.service_layer import use_cases
from packline_contracts import OrderMatched
from packline_launcher.testing import collected, matched, recipient
from packline_launcher.testing_http import guarded_app, runtime_on
from packline_launcher.testing_tokens import TestTokens
from packline_runtime import decisions
from packline_runtime.tokens import Role
from packline_runtime.unit_of_work import unit_of_work

HOLD = timedelta(seconds=60)
ROUNDS = 30


def _order(n: int, round_: int, mobile: str) -> OrderMatched:
    """Each round its own recipient pair (one name and door, two mobiles), far from the others."""
    to = recipient(
        name=f"김민준{round_}",
        mobile=f"010-{1000 + round_}-{mobile}",
        address1=f"서울 강남구 테헤란로 {round_ + 1}",
    )
    return matched(collected(n, to=to), {"A": 1})


def _review_api(pool: Any) -> FastAPI:
    """The bundler's review, settings and seal routes on the test's pool (no broker needed for
    them), verifying tokens with the session's test key."""
    runtime = runtime_on(SERVICE, MIGRATIONS, pool)
    app = guarded_app(
        review_http.router(runtime), settings_http.router(runtime, HOLD), http.router(runtime)
    )
    return app


async def _consume(pool: Any, orders: list[OrderMatched]) -> BaseException | None:
    try:
        async with unit_of_work(pool) as uow:
            await use_cases.handle_events(uow, orders, HOLD)
    except Exception as exc:
        return exc
    return None


async def test_a_merge_racing_new_orders_of_the_pair_never_fails_and_keeps_one_box(
    new_schema: Any,
    service_tokens: TestTokens,
) -> None:
    pool = await new_schema(MIGRATIONS, prefix="race", max_size=6)
    transport = httpx.ASGITransport(app=_review_api(pool))
    answers: list[int] = []
    consumer_errors: list[str] = []
    async with httpx.AsyncClient(
        transport=transport, base_url="http://bundler", headers=service_tokens.headers("s1")
    ) as client:
        for n in range(ROUNDS):
            a, b = _order(10 * n + 1, n, "1111"), _order(10 * n + 2, n, "2222")
            async with unit_of_work(pool) as uow:
                await use_cases.handle_events(uow, [a, b], HOLD)
            review_id = await pool.fetchval(
                "SELECT review_id FROM reviews WHERE order_a = ANY($1::text[])",
                [a.order.uid, b.order.uid],
            )
            assert review_id is not None
            later = [
                _order(10 * n + 3, n, "2222"),
                _order(10 * n + 4, n, "1111"),
            ]
            merge, consumed = await asyncio.gather(
                client.post(
                    f"/reviews/{review_id}/merge",
                    json={"decided_by": "park", "reason": "same family, one door"},
                ),
                _consume(pool, later),
            )
            answers.append(merge.status_code)
            if consumed is not None:
                consumer_errors.append(repr(consumed))
                assert await _consume(pool, later) is None  # the broker redelivers the batch
            uids = [o.order.uid for o in (a, b, *later)]
            live = await pool.fetch(
                """
                SELECT DISTINCT m.bundle_id FROM bundle_members m JOIN bundles b USING (bundle_id)
                WHERE m.order_uid = ANY($1::text[]) AND b.status <> 'CANCELLED'
                """,
                uids,
            )
            placed = await pool.fetchval(
                "SELECT count(*) FROM bundle_members WHERE order_uid = ANY($1::text[])", uids
            )
            assert (placed, len(live)) == (4, 1), f"round {n}: {placed} orders in {len(live)} boxes"
    assert all(code in (200, 409) for code in answers), answers
    assert consumer_errors == []


async def test_reviews_come_a_page_at_a_time_each_once(
    new_schema: Any, service_tokens: TestTokens
) -> None:
    pool = await new_schema(MIGRATIONS, prefix="race")
    async with unit_of_work(pool) as uow:
        pairs = [
            o
            for n in range(5)
            for o in (_order(10 * n + 1, n, "1111"), _order(10 * n + 2, n, "2222"))
        ]
        await use_cases.handle_events(uow, pairs, HOLD)
    transport = httpx.ASGITransport(app=_review_api(pool))
    seen: list[int] = []
    async with httpx.AsyncClient(
        transport=transport, base_url="http://bundler", headers=service_tokens.headers("s1")
    ) as client:
        params: dict[str, Any] = {"seller_id": "s1", "limit": 2}
        while True:
            response = await client.get("/reviews", params=params)
            assert response.status_code == 200, response.text[:300]
            page = response.json()
            seen += [r["review_id"] for r in page["items"]]
            assert all(r["a"]["name"] == r["b"]["name"] for r in page["items"])
            if page["next"] is None:
                break
            params["cursor"] = page["next"]
        for bad in ({"limit": 201}, {"limit": 0}, {"cursor": "x1"}, {"cursor": "9" * 30}):
            response = await client.get("/reviews", params={"seller_id": "s1", **bad})
            assert response.status_code == 422, (bad, response.text[:300])
        response = await client.post(
            f"/reviews/{2**63}/merge", json={"decided_by": "park", "reason": "too big an id"}
        )
        assert response.status_code == 422
    assert len(seen) == 5 and len(set(seen)) == 5


async def test_another_sellers_reviews_bundles_and_settings_are_not_there(
    new_schema: Any, service_tokens: TestTokens
) -> None:
    pool = await new_schema(MIGRATIONS, prefix="race")
    async with unit_of_work(pool) as uow:
        await use_cases.handle_events(uow, [_order(1, 0, "1111"), _order(2, 0, "2222")], HOLD)
    transport = httpx.ASGITransport(app=_review_api(pool))
    rule = {"mode": "MANUAL", "decided_by": "somebody"}
    async with (
        httpx.AsyncClient(
            transport=transport,
            base_url="http://b",
            headers=service_tokens.headers("s1", sub="kim"),
        ) as own,
        httpx.AsyncClient(
            transport=transport, base_url="http://b", headers=service_tokens.headers("s2")
        ) as other,
        httpx.AsyncClient(
            transport=transport,
            base_url="http://b",
            headers=service_tokens.headers("s1", Role.OPERATOR),
        ) as operator,
    ):
        [review] = (await own.get("/reviews")).json()["items"]
        assert (await other.get("/reviews")).json()["items"] == []
        assert (await other.get("/stats")).json()["pending_reviews"] == 0
        assert (await own.get("/stats")).json()["pending_reviews"] == 1
        decision = {"reason": "one door"}
        for method, path, params, body in (
            ("GET", "/reviews", {"seller_id": "s1"}, None),
            ("POST", f"/reviews/{review['review_id']}/merge", {}, decision),
            ("POST", f"/reviews/{review['review_id']}/keep-apart", {}, decision),
            ("POST", f"/bundles/{review['bundles'][0]}/unmerge", {}, {**decision, "orders": ["x"]}),
            ("GET", "/settings/s1", {}, None),
            ("PUT", "/settings/s1", {}, rule),
            ("PUT", "/exclusions", {}, {"seller_id": "s1", "kind": "SKU", "value": "A"}),
            ("DELETE", "/exclusions", {"seller_id": "s1", "kind": "SKU", "value": "A"}, None),
            ("POST", "/bundles/seal", {}, {"seller_id": "s1"}),
        ):
            answer = await other.request(method, path, params=params, json=body)
            assert answer.status_code == 404, (method, path, answer.text)
        assert (await operator.put("/settings/s1", json=rule)).status_code == 403
        assert (await own.put("/settings/s1", json=rule)).status_code == 200
        merged = await own.post(
            f"/reviews/{review['review_id']}/merge", json={**decision, "decided_by": "lee"}
        )
        assert merged.status_code == 200, merged.text
    async with pool.acquire() as conn:
        made = await decisions.recent(conn, "s1", None, 10)
    assert {d["decided_by"] for d in made} == {"kim"}
