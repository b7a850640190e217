"""The console's search box on /parcels (tracking numbers, the orders' ids), `since`, and /flow
(parcels and orders scanned out since a moment, the oldest parcel still READY), over HTTP on
real PostgreSQL."""

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import httpx
import pytest

from packline_contracts import OrderCancelled, WaybillIssued
from packline_launcher.testing import bundle, collected, matched
from packline_launcher.testing_http import guarded_app, runtime_on
from packline_launcher.testing_tokens import TestTokens
from packline_runtime import flow
from packline_runtime.tokens import Role
from packline_runtime.unit_of_work import unit_of_work
from packline_shipper.bootstrap import MIGRATIONS, SERVICE
from packline_shipper.entrypoints import http, scan_http
from packline_shipper.service_layer import use_cases


def order_id(n: int) -> str:
    return str(500000000000000000 + n)  # packline_launcher.testing.collected's ids


def issued(number: str, *orders: int, seller: str = "s1") -> WaybillIssued:
    box = bundle(*(matched(collected(n, seller=seller), {"A": 1}) for n in orders))
    return WaybillIssued(
        **box.follow_up(),
        bundle_id=box.bundle_id,
        courier_code="CJGLS",
        tracking_number=number,
        recipient=box.recipient,
        members=box.members,
    )


@dataclass
class Shipper:
    api: httpx.AsyncClient
    pool: asyncpg.Pool
    tokens: TestTokens

    async def feed(self, *events: Any) -> None:
        async with unit_of_work(self.pool) as uow:
            await use_cases.handle_events(uow, list(events))

    async def get(self, path: str, seller: str = "s1", role: Role = Role.OWNER, **q: Any) -> Any:
        answer = await self.api.get(path, params=q, headers=self.tokens.headers(seller, role))
        assert answer.status_code == 200, answer.text
        return answer.json()

    async def numbers(self, seller: str = "s1", **params: Any) -> list[str]:
        found = await self.get("/parcels", seller, **params)
        return [p["tracking_number"] for p in found["items"]]

    async def scan(self, *numbers: str, seller: str = "s1", **body: Any) -> None:
        answer = await self.api.post(
            "/scan",
            json={"tracking_numbers": list(numbers), **body},
            headers=self.tokens.headers(seller, Role.OPERATOR),
        )
        assert answer.status_code == 200, answer.text


@pytest.fixture
async def shipper(new_schema: Any, service_tokens: TestTokens) -> AsyncIterator[Shipper]:
    pool = await new_schema(MIGRATIONS, prefix="shsf")
    runtime = runtime_on(SERVICE, MIGRATIONS, pool)
    app = guarded_app(scan_http.router(runtime), http.router(runtime))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://shipper") as client:
        yield Shipper(client, pool, service_tokens)


async def test_searching_parcels_by_tracking_number_and_order_id(shipper: Shipper) -> None:
    await shipper.feed(
        issued("300000000006", 1),
        issued("300000000013", 2, 3),
        issued("300000000020", 4),
        issued("310000000099", 5),
        issued("300000000037", 6, seller="s2"),
    )
    assert len(await shipper.numbers()) == 4

    assert await shipper.numbers(q="300000000013") == ["300000000013"]
    assert await shipper.numbers(q="0099") == ["310000000099"]  # contained
    assert await shipper.numbers(q=order_id(3)) == ["300000000013"]  # its second order
    assert await shipper.numbers(q=f" {order_id(1)}, 0020 ,") == ["300000000006", "300000000020"]
    assert await shipper.numbers(q="30000%") == []  # % is a character, not a wildcard
    assert await shipper.numbers(q="3_0") == []  # and so is _
    assert await shipper.numbers(q="COUPANG") == []  # order ids, not the marketplace
    assert await shipper.numbers(q="CJGLS") == []  # nor the courier
    assert await shipper.numbers(q="300000000037") == []  # another seller's: never found
    assert await shipper.numbers(q=order_id(6)) == []
    assert await shipper.numbers("s2", q=order_id(6)) == ["300000000037"]
    assert await shipper.numbers(status="SHIPPED", q="300000000013") == []
    naming = await shipper.api.get(
        "/parcels",
        params={"seller_id": "s1", "q": "300000000006"},
        headers=shipper.tokens.headers("s2"),
    )
    assert naming.status_code == 404


async def test_parcels_since_and_paging_after_the_filter(shipper: Shipper) -> None:
    await shipper.feed(*(issued(f"30000000{n:04d}", 10 + n) for n in range(5)))
    old = datetime(2026, 1, 1, tzinfo=UTC)
    await shipper.pool.execute(
        "UPDATE parcels SET created_at = $1 WHERE tracking_number = ANY($2::text[])",
        old,
        ["300000000000", "300000000001"],
    )
    recent = await shipper.numbers(since=(old + timedelta(hours=1)).isoformat())
    assert recent == ["300000000002", "300000000003", "300000000004"]
    terms = ",".join(order_id(10 + n) for n in (0, 3, 4))
    first = await shipper.get("/parcels", q=terms, limit=2)
    assert [p["tracking_number"] for p in first["items"]] == ["300000000000", "300000000003"]
    assert first["next_offset"] == 2
    rest = await shipper.get("/parcels", q=terms, limit=2, offset=2)
    assert [p["tracking_number"] for p in rest["items"]] == ["300000000004"]
    assert rest["next_offset"] is None


async def test_flow_counts_parcels_and_orders_shipped_and_the_oldest_ready(
    shipper: Shipper,
) -> None:
    empty = await shipper.get("/flow", role=Role.VIEWER)
    assert datetime.fromisoformat(empty.pop("since")) == flow.start_of(None)
    assert empty == {
        "done": {"shipped_parcels": 0, "shipped_orders": 0},
        "oldest": {"ready": None},
    }

    cancelled = collected(23)
    await shipper.feed(
        issued("300000000006", 20, 21),
        issued("300000000013", 22, 23),
        issued("300000000020", 24),
        issued("300000000037", 25, 26, 27, seller="s2"),
        OrderCancelled(
            **cancelled.follow_up(), order=cancelled.order, recipient_key=cancelled.recipient_key
        ),
    )
    recorded = datetime(2025, 6, 1, 9, 0, tzinfo=UTC)
    await shipper.pool.execute(
        "UPDATE parcels SET created_at = $1 WHERE tracking_number = '300000000020'", recorded
    )
    before = await shipper.get("/flow")
    assert before["done"] == {"shipped_parcels": 0, "shipped_orders": 0}
    assert datetime.fromisoformat(before["oldest"]["ready"]) == recorded

    await shipper.scan("300000000006")
    await shipper.scan("300000000013", confirm_incomplete=True)  # its order 23 was cancelled
    await shipper.scan("300000000037", seller="s2")
    mine = await shipper.get("/flow")
    assert mine["done"] == {"shipped_parcels": 2, "shipped_orders": 3}
    assert datetime.fromisoformat(mine["oldest"]["ready"]) == recorded
    theirs = await shipper.get("/flow", "s2")
    assert theirs["done"] == {"shipped_parcels": 1, "shipped_orders": 3}
    assert theirs["oldest"] == {"ready": None}
    sre = await shipper.get("/flow", "-", Role.SRE)
    assert sre["done"] == {"shipped_parcels": 3, "shipped_orders": 6}
    assert datetime.fromisoformat(sre["oldest"]["ready"]) == recorded

    later = datetime.now(UTC) + timedelta(minutes=5)
    moved = await shipper.get("/flow", since=later.isoformat())
    assert moved["done"] == {"shipped_parcels": 0, "shipped_orders": 0}
    await shipper.scan("300000000020")
    assert (await shipper.get("/flow"))["oldest"] == {"ready": None}
    assert (await shipper.get("/flow"))["done"] == {"shipped_parcels": 3, "shipped_orders": 4}
    assert (await shipper.api.get("/flow")).status_code == 401
    sre_list = await shipper.api.get("/parcels", headers=shipper.tokens.headers("-", Role.SRE))
    assert sre_list.status_code == 403
