"""The matcher's search box and /flow over the real HTTP routes, on PostgreSQL: the unmatched
queue, mappings and the catalogue filter in SQL before paging (comma-separated terms, `%` and
`_` taken literally, another seller's rows never found); /flow counts orders matched since a
moment and tells when the oldest waiting order was held, per seller or across them for sre."""

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from fastapi import FastAPI

from packline_contracts import OrderCollected
from packline_launcher.testing import collected, line
from packline_launcher.testing_http import client, guarded_app, runtime_on
from packline_launcher.testing_tokens import TestTokens
from packline_matcher.bootstrap import MIGRATIONS, SERVICE
from packline_matcher.entrypoints import catalogue_http, http
from packline_matcher.service_layer import use_cases
from packline_runtime import flow
from packline_runtime.tokens import Role
from packline_runtime.unit_of_work import unit_of_work

YESTERDAY = datetime.now(UTC) - timedelta(days=1)


def _api(pool: Any) -> FastAPI:
    runtime = runtime_on(SERVICE, MIGRATIONS, pool)
    return guarded_app(http.router(runtime), catalogue_http.router(runtime))


def _client(app: FastAPI, tokens: TestTokens, seller: str, role: Role = Role.OWNER) -> Any:
    return client(app, tokens.headers(seller, role))


def _waiting(n: int, listing: str, product: str, option: str = "", seller: str = "s1") -> Any:
    named = line(listing, "1").model_copy(update={"product_name": product, "option_name": option})
    return collected(n, named, seller=seller)


async def _deliver(pool: Any, *orders: OrderCollected) -> None:
    async with unit_of_work(pool) as uow:
        await use_cases.handle_events(uow, orders)


async def _found(client: httpx.AsyncClient, path: str, **params: Any) -> list[Any]:
    """Every item the list answers for these parameters, following its pages."""
    found: list[Any] = []
    while True:
        response = await client.get(path, params=params)
        assert response.status_code == 200, response.text[:300]
        page = response.json()
        found += page["items"]
        if page["next"] is None:
            return found
        params["cursor"] = page["next"]


def _number(order: OrderCollected) -> str:
    return order.order.marketplace_order_id


async def test_the_unmatched_queue_finds_orders_by_id_listing_and_names_in_sql(
    new_schema: Any, service_tokens: TestTokens
) -> None:
    pool = await new_schema(MIGRATIONS, prefix="search")
    apple = _waiting(1, "L-APPLE", "부사 사과 5kg", "대과")
    pear = _waiting(2, "L-PEAR", "신고배 선물세트", "특")
    half = _waiting(3, "L-RICE", "50% 할인 현미", "")
    rice = _waiting(4, "L-RICE2", "500g 현미", "")
    old = _waiting(5, "L-OLD", "작년 곶감", "")
    theirs = _waiting(1, "L-APPLE", "부사 사과 5kg", "대과", seller="s2")
    await _deliver(pool, apple, pear, half, rice, old, theirs)
    await pool.execute(
        "UPDATE held_orders SET held_at = $1 WHERE order_uid = $2", YESTERDAY, old.order.uid
    )
    app = _api(pool)
    async with (
        _client(app, service_tokens, "s1") as own,
        _client(app, service_tokens, "s2") as other,
    ):

        async def orders(**params: Any) -> list[str]:
            return [i["order"] for i in await _found(own, "/unmatched", **params)]

        assert len(await orders()) == 5
        assert await orders(q="사과") == [apple.order.uid]
        assert await orders(q="l-pear") == [pear.order.uid]  # listing id, any case
        assert await orders(q="특") == [pear.order.uid]  # option name
        assert await orders(q=_number(rice)) == [rice.order.uid]  # marketplace order id
        assert await orders(q=rice.order.uid) == [rice.order.uid]  # the uid the queue shows
        assert await orders(q=" 곶감 , 대과 ,") == [old.order.uid, apple.order.uid]
        assert await orders(q="50%") == [half.order.uid]  # not "500g": % is no wildcard
        assert await orders(q="현미") == [half.order.uid, rice.order.uid]
        assert await orders(q="현미", limit=1) == [half.order.uid, rice.order.uid]  # paged
        assert await orders(q="수박") == []
        assert await orders(q=" , ") == await orders()  # nothing to search: everything
        since = (YESTERDAY + timedelta(hours=1)).isoformat()
        assert old.order.uid not in await orders(since=since)
        assert len(await orders(since=since)) == 4
        assert await orders(q="곶감", since=since) == []
        page = (await own.get("/unmatched", params={"q": "사과"})).json()["items"]
        assert page[0]["lines"][0]["product_name"] == "부사 사과 5kg"
        # the other seller's same product is theirs only, and s1's order ids are not there
        [their] = await _found(other, "/unmatched", q="사과")
        assert their["order"] == theirs.order.uid
        assert await _found(other, "/unmatched", q=apple.order.uid) == []
        assert await _found(other, "/unmatched", q=f"{_number(pear)},{_number(rice)}") == []
        for bad in ({"since": "2026-12-01T00:00:00"}, {"q": "x" * 501}):
            response = await own.get("/unmatched", params=bad)
            assert response.status_code == 422, (bad, response.text[:300])


async def _catalogue_and_mappings(client: httpx.AsyncClient, items: list[tuple[str, str]]) -> None:
    body = {"items": [{"sku": sku, "name": name} for sku, name in items]}
    response = await client.post("/catalogue", json=body)
    assert response.status_code == 200, response.text[:300]


async def _map(client: httpx.AsyncClient, listing: str, option: str, *skus: str) -> None:
    body = {
        "marketplace": "COUPANG",
        "listing_id": listing,
        "option_id": option,
        "skus": [{"sku": s, "quantity": 1} for s in skus],
    }
    response = await client.post("/mappings", json=body)
    assert response.status_code == 201, response.text[:300]


async def test_mappings_and_the_catalogue_are_searched_before_paging(
    new_schema: Any, service_tokens: TestTokens
) -> None:
    pool = await new_schema(MIGRATIONS, prefix="search")
    app = _api(pool)
    async with (
        _client(app, service_tokens, "s1") as own,
        _client(app, service_tokens, "s2") as other,
    ):
        await _catalogue_and_mappings(
            own,
            [
                ("RICE-5", "현미 5kg"),
                ("RICE_10", "현미 10kg"),
                ("RICEX10", "찹쌀 10kg"),
                ("APPLE", "부사 사과"),
                ("JUICE", "100% 사과즙"),
                ("JUICE2", "1000ml 사과즙"),
            ],
        )
        await _catalogue_and_mappings(other, [("APPLE", "부사 사과"), ("PEAR", "배")])
        await _map(own, "L1", "", "RICE-5")
        await _map(own, "L2", "OPT-9", "APPLE")
        await _map(own, "L3", "", "RICE_10", "JUICE")
        await _map(own, "L4", "", "RICEX10")
        await _map(other, "L2", "OPT-9", "APPLE")
        await _map(other, "L9", "", "PEAR")

        async def skus(client: httpx.AsyncClient = own, **params: Any) -> list[str]:
            """Sorted here: the catalogue's order is the database's collation of SKU codes."""
            return sorted(i["sku"] for i in await _found(client, "/catalogue", **params))

        async def listings(client: httpx.AsyncClient = own, **params: Any) -> list[str]:
            return [i["listing_id"] for i in await _found(client, "/mappings", **params)]

        assert await skus(q="현미") == ["RICE-5", "RICE_10"]  # by name
        assert await skus(q="apple") == ["APPLE"]  # by code, any case
        assert await skus(q="E_1") == ["RICE_10"]  # `_` is no wildcard: not RICEX10
        assert await skus(q="100%") == ["JUICE"]  # `%` is no wildcard: not 1000ml
        assert await skus(q="찹쌀, 사과즙", limit=1) == ["JUICE", "JUICE2", "RICEX10"]
        assert await skus(other, q="사과") == ["APPLE"]
        assert await skus(other, q="현미, RICE") == []
        assert len(await skus(since=(datetime.now(UTC) - timedelta(hours=1)).isoformat())) == 6
        assert await skus(since=(datetime.now(UTC) + timedelta(hours=1)).isoformat()) == []

        assert await listings(q="opt-9") == ["L2"]  # by option
        assert await listings(q="juice") == ["L3"]  # by a SKU of a set
        assert await listings(q="L1, RICEX") == ["L1", "L4"]  # listing id and SKU
        assert await listings(q="E_1") == ["L3"]
        assert await listings(q="L", limit=1) == ["L1", "L2", "L3", "L4"]
        assert await listings(q="L", sku="APPLE") == ["L2"]  # with the exact filters
        assert await listings(other, q="L1, RICE, JUICE") == []
        assert await listings(other, q="L") == ["L2", "L9"]
        assert await listings(since=(datetime.now(UTC) + timedelta(hours=1)).isoformat()) == []


async def _flow(client: httpx.AsyncClient, **params: Any) -> dict[str, Any]:
    response = await client.get("/flow", params=params)
    assert response.status_code == 200, response.text[:300]
    answer: dict[str, Any] = response.json()
    return answer


def _at(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


async def test_flow_counts_matched_orders_and_the_oldest_waiting_one(
    new_schema: Any, service_tokens: TestTokens
) -> None:
    pool = await new_schema(MIGRATIONS, prefix="flow")
    app = _api(pool)
    async with (
        _client(app, service_tokens, "s1") as own,
        _client(app, service_tokens, "s2") as other,
        _client(app, service_tokens, "s1", Role.SRE) as sre,
        _client(app, service_tokens, "s1", Role.VIEWER) as viewer,
    ):
        empty = await _flow(own)
        assert empty["done"] == {"matched": 0} and empty["oldest"] == {"unmatched": None}
        assert _at(empty["since"]) == flow.start_of(None)  # today 00:00 in Korea

        for client in (own, other):
            await _catalogue_and_mappings(client, [("RICE", "현미")])
            await _map(client, "7001", "1", "RICE")
        mapped = [_waiting(n, "7001", "현미") for n in (1, 2)]
        waiting = [_waiting(n, "8001", "찹쌀") for n in (3, 4)]
        theirs = [_waiting(1, "7001", "현미", seller="s2"), _waiting(2, "9001", "배", seller="s2")]
        await _deliver(pool, *mapped, *waiting, *theirs)
        two_hours_ago = datetime.now(UTC) - timedelta(hours=2)
        three_days_ago = datetime.now(UTC) - timedelta(days=3)
        await pool.execute(
            "UPDATE held_orders SET held_at = $1 WHERE order_uid = $2",
            two_hours_ago,
            waiting[1].order.uid,
        )
        await pool.execute(
            "UPDATE held_orders SET held_at = $1 WHERE order_uid = $2",
            three_days_ago,
            theirs[1].order.uid,
        )
        # a match of long ago is not today's
        await pool.execute(
            "UPDATE matched_orders SET matched_at = $1 WHERE order_uid = $2",
            three_days_ago,
            mapped[0].order.uid,
        )

        mine = await _flow(own)
        assert mine["done"] == {"matched": 1}
        assert _at(mine["oldest"]["unmatched"]) == two_hours_ago
        assert (await _flow(viewer))["done"] == {"matched": 1}
        week = await _flow(own, since=(datetime.now(UTC) - timedelta(days=7)).isoformat())
        assert week["done"] == {"matched": 2}
        later = await _flow(own, since="2099-01-01T09:00:00+09:00")
        assert later["done"] == {"matched": 0}
        assert _at(later["since"]) == datetime(2099, 1, 1, tzinfo=UTC)
        assert _at(later["oldest"]["unmatched"]) == two_hours_ago  # waiting is waiting

        their = await _flow(other)
        assert their["done"] == {"matched": 1}
        assert _at(their["oldest"]["unmatched"]) == three_days_ago
        everyone = await _flow(sre)
        assert everyone["done"] == {"matched": 2}
        assert _at(everyone["oldest"]["unmatched"]) == three_days_ago
        assert (await sre.get("/unmatched")).status_code == 403  # counts and times only

        # a mapping releases s1's queue: the count moves and nothing waits any more
        await _catalogue_and_mappings(own, [("GLUTINOUS", "찹쌀")])
        await _map(own, "8001", "1", "GLUTINOUS")
        after = await _flow(own)
        assert after["done"] == {"matched": 3}
        assert after["oldest"] == {"unmatched": None}
        assert _at((await _flow(sre))["oldest"]["unmatched"]) == three_days_ago
        for bad in ("2026-12-01T00:00:00", "yesterday"):
            response = await own.get("/flow", params={"since": bad})
            assert response.status_code == 422, response.text[:300]
