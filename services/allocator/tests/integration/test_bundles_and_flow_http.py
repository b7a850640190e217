"""The console's 할당 page against real PostgreSQL over the allocator's HTTP routes: the waiting
bundles and why each waits (a short SKU and by how much, a SKU nobody stocked, stock that would
cover it now), the search box of /bundles and /stock filtering in SQL, and /flow."""

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from packline_contracts import BundleFormed, OrderCancelled
from packline_launcher.testing import bundle, collected, matched
from packline_launcher.testing_tokens import TestTokens
from packline_runtime import flow
from packline_runtime.tokens import Role
from services.allocator.tests.integration.serving import Served, serving


class Allocator(Served):
    async def stock(self, seller: str, **levels: int) -> None:
        items = [{"sku": sku, "on_hand": n} for sku, n in levels.items()]
        answer = await self.api.put("/stock", headers=self.of(seller), json={"items": items})
        assert answer.status_code == 200, answer.text

    async def get(self, path: str, seller: str = "sa", **params: Any) -> Any:
        answer = await self.api.get(path, headers=self.of(seller), params=params)
        assert answer.status_code == 200, answer.text
        return answer.json()

    async def bundles(self, seller: str = "sa", **params: Any) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = (await self.get("/bundles", seller, **params))["items"]
        return items


@pytest.fixture
async def allocator(new_schema: Any, service_tokens: TestTokens) -> AsyncIterator[Allocator]:
    async with serving(new_schema, service_tokens, "allocb", Allocator) as served:
        yield served


def box(number: int, skus: dict[str, int], seller: str = "sa", orders: int = 1) -> BundleFormed:
    """A bundle of `orders` orders numbered from `number`, each needing `skus`."""
    return bundle(*(matched(collected(number + i, seller=seller), skus) for i in range(orders)))


def order_id(number: int) -> str:
    return str(500000000000000000 + number)  # packline_launcher.testing.collected's ids


async def test_a_waiting_bundle_shows_its_short_sku_and_by_how_much(allocator: Allocator) -> None:
    early, late = box(1, {"A": 2}), box(2, {"A": 3, "B": 1}, orders=2)
    await allocator.stock("sa", A=4, B=5)
    await allocator.feed(early, late)  # early takes 2 A; late needs 6 A, 2 B

    [row] = await allocator.bundles()
    assert row["bundle_id"] == str(late.bundle_id) and row["status"] == "WAITING"
    assert row["reason"] == "SHORT"
    assert row["needs"] == [
        {"sku": "A", "needed": 6, "on_hand": 4, "available": 2, "short": 4, "known": True},
        {"sku": "B", "needed": 2, "on_hand": 5, "available": 5, "short": 0, "known": True},
    ]
    assert [(o["marketplace"], o["marketplace_order_id"], o["status"]) for o in row["orders"]] == [
        ("COUPANG", order_id(2), "LIVE"),
        ("COUPANG", order_id(3), "LIVE"),
    ]
    stored = await allocator.pool.fetchval(
        "SELECT received_at FROM bundles WHERE bundle_id = $1", late.bundle_id
    )
    assert datetime.fromisoformat(row["waiting_since"]) == stored

    [allocated] = await allocator.bundles(status="ALLOCATED")
    assert allocated["bundle_id"] == str(early.bundle_id) and allocated["reason"] is None
    assert allocated["allocated_at"] is not None
    assert allocated["needs"] == [  # its own 2 A are among the allocated ones now
        {"sku": "A", "needed": 2, "on_hand": 4, "available": 2, "short": 0, "known": True}
    ]


async def test_a_cancelled_order_needs_nothing_and_a_sku_nobody_stocked_is_unknown(
    allocator: Allocator,
) -> None:
    first = collected(10, seller="sa")
    waiting = bundle(matched(first, {"A": 5}), matched(collected(11, seller="sa"), {"NEW-1": 2}))
    await allocator.stock("sa", A=1)
    await allocator.feed(waiting)
    await allocator.feed(
        OrderCancelled(**first.follow_up(), order=first.order, recipient_key="k" * 32)
    )

    [row] = await allocator.bundles()
    assert row["reason"] == "UNKNOWN_SKU"
    assert row["needs"] == [
        {"sku": "NEW-1", "needed": 2, "on_hand": 0, "available": 0, "short": 2, "known": False}
    ]
    assert [o["status"] for o in row["orders"]] == ["CANCELLED", "LIVE"]


async def test_a_bundle_stock_would_cover_now_waits_for_the_next_wave(
    allocator: Allocator,
) -> None:
    waiting = box(20, {"C": 2})
    await allocator.feed(waiting)
    assert (await allocator.bundles())[0]["reason"] == "UNKNOWN_SKU"
    # stock arrives between waves (no PUT /stock, which would allocate at once)
    await allocator.pool.execute(
        "INSERT INTO stock (seller_id, sku, on_hand) VALUES ('sa', 'C', 3)"
    )
    [row] = await allocator.bundles()
    assert row["reason"] == "NEXT_WAVE"
    assert row["needs"] == [
        {"sku": "C", "needed": 2, "on_hand": 3, "available": 3, "short": 0, "known": True}
    ]
    wave = await allocator.api.post("/allocation/waves", headers=allocator.of("sa"), json={})
    assert wave.json() == {"bundles_allocated": 1}
    assert await allocator.bundles() == []


async def test_searching_bundles_by_order_id_sku_and_bundle_id(allocator: Allocator) -> None:
    one, two, three = box(31, {"RED-1": 1}), box(32, {"BLUE-2": 1}), box(33, {"50%OFF": 1})
    four = box(34, {"50XOFF": 1})
    theirs = box(35, {"RED-1": 1}, seller="sb")
    await allocator.feed(one, two, three, four, theirs)
    assert len(await allocator.bundles(limit=1000)) == 4

    async def found(q: str, seller: str = "sa") -> list[str]:
        return [r["bundle_id"] for r in await allocator.bundles(seller, q=q)]

    assert await found(order_id(32)) == [str(two.bundle_id)]
    # contained, not equal (8 digits: a random bundle id never holds them by chance)
    assert await found(order_id(32)[-8:]) == [str(two.bundle_id)]
    assert await found("red-1") == [str(one.bundle_id)]  # ignoring case; not sb's RED-1
    assert await found(str(three.bundle_id)[:13].upper()) == [str(three.bundle_id)]
    assert await found(f" {order_id(31)} ,blue,,") == [str(one.bundle_id), str(two.bundle_id)]
    assert await found("50%") == [str(three.bundle_id)]  # % is a character, not a wildcard
    assert await found("50_OFF") == []
    assert await found(order_id(35)) == []  # another seller's order is never found
    assert await found(order_id(35), "sb") == [str(theirs.bundle_id)]
    assert await found("COUPANG") == []  # the order id, not the marketplace, is searched
    assert await found("sa") == []  # nor the seller's id the uid starts with
    other = await allocator.api.get(
        "/bundles", headers=allocator.of("sb"), params={"seller_id": "sa", "q": order_id(31)}
    )
    assert other.status_code == 404


async def test_bundles_since_and_paging_after_the_filter(allocator: Allocator) -> None:
    boxes = [box(40 + n, {"Q": 1}) for n in range(5)]
    await allocator.feed(*boxes)
    old = datetime(2026, 1, 1, tzinfo=UTC)
    await allocator.pool.execute(
        "UPDATE bundles SET received_at = $1 WHERE bundle_id = ANY($2::uuid[])",
        old,
        [b.bundle_id for b in boxes[:2]],
    )
    recent = await allocator.bundles(since=(old + timedelta(days=1)).isoformat())
    assert [r["bundle_id"] for r in recent] == [str(b.bundle_id) for b in boxes[2:]]
    terms = ",".join(order_id(40 + n) for n in (0, 3, 4))
    first = await allocator.get("/bundles", q=terms, limit=2)
    assert [r["bundle_id"] for r in first["items"]] == [
        str(boxes[0].bundle_id),
        str(boxes[3].bundle_id),
    ]
    assert first["next_offset"] == 2
    rest = await allocator.get("/bundles", q=terms, limit=2, offset=2)
    assert [r["bundle_id"] for r in rest["items"]] == [str(boxes[4].bundle_id)]
    assert rest["next_offset"] is None
    naive = await allocator.api.get(
        "/bundles", headers=allocator.of("sa"), params={"since": "2026-01-01T00:00:00"}
    )
    assert naive.status_code == 422  # a time without its offset is refused


async def test_searching_stock_by_sku(allocator: Allocator) -> None:
    await allocator.stock("sa", **{"RED-1": 1, "RED-2": 2, "BLUE-1": 3, "5%": 4, "55": 5})
    await allocator.stock("sb", **{"RED-9": 1})

    async def skus(q: str, seller: str = "sa") -> list[str]:
        return [r["sku"] for r in (await allocator.get("/stock", seller, q=q))["items"]]

    assert await skus("red-2") == ["RED-2"]
    assert await skus("red") == ["RED-1", "RED-2"]  # not sb's RED-9
    assert await skus("blue, 2") == ["BLUE-1", "RED-2"]
    assert await skus("5%") == ["5%"]
    assert await skus("RED-9") == []
    assert await skus("RED-9", "sb") == ["RED-9"]
    assert len(await skus("")) == 5


async def test_flow_counts_allocations_since_and_the_oldest_waiting(
    allocator: Allocator,
) -> None:
    async def flow_of(seller: str, role: Role = Role.OWNER, **params: Any) -> Any:
        answer = await allocator.api.get("/flow", headers=allocator.of(seller, role), params=params)
        assert answer.status_code == 200, answer.text
        return answer.json()

    empty = await flow_of("sa", Role.VIEWER)
    assert datetime.fromisoformat(empty.pop("since")) == flow.start_of(None)  # today, KST
    assert empty == {
        "done": {"allocated_bundles": 0, "allocated_orders": 0},
        "oldest": {"waiting": None},
    }

    pair, single, short = box(50, {"A": 1}, orders=2), box(52, {"A": 1}), box(53, {"A": 9})
    theirs = box(54, {"A": 1}, seller="sb", orders=3)
    await allocator.stock("sa", A=3)
    await allocator.stock("sb", A=3)
    await allocator.feed(pair, short)
    arrived = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
    await allocator.pool.execute(
        "UPDATE bundles SET received_at = $1 WHERE bundle_id = $2", arrived, short.bundle_id
    )
    mine = await flow_of("sa")
    assert mine["done"] == {"allocated_bundles": 1, "allocated_orders": 2}
    assert datetime.fromisoformat(mine["oldest"]["waiting"]) == arrived

    await allocator.feed(single, theirs, box(60, {"Z": 1}, seller="sb"))
    mine = await flow_of("sa")
    assert mine["done"] == {"allocated_bundles": 2, "allocated_orders": 3}
    sb = await flow_of("sb")
    assert sb["done"] == {"allocated_bundles": 1, "allocated_orders": 3}
    sb_waiting = await allocator.pool.fetchval(
        "SELECT received_at FROM bundles WHERE seller_id = 'sb' AND status = 'WAITING'"
    )
    assert datetime.fromisoformat(sb["oldest"]["waiting"]) == sb_waiting
    sre = await flow_of("-", Role.SRE)
    assert sre["done"] == {"allocated_bundles": 3, "allocated_orders": 6}
    assert datetime.fromisoformat(sre["oldest"]["waiting"]) == arrived  # the oldest of all

    later = datetime.now(UTC) + timedelta(minutes=5)
    moved = await flow_of("sa", since=later.isoformat())
    assert moved["done"] == {"allocated_bundles": 0, "allocated_orders": 0}
    assert datetime.fromisoformat(moved["since"]) == later

    # nothing of sa's waits any more: no oldest; what passed allocation stays counted
    await allocator.pool.execute(
        "UPDATE bundles SET status = 'CANCELLED' WHERE bundle_id = $1", short.bundle_id
    )
    after = await flow_of("sa")
    assert after["done"] == {"allocated_bundles": 2, "allocated_orders": 3}
    assert after["oldest"] == {"waiting": None}


async def test_the_sre_role_reads_flow_but_no_bundles(allocator: Allocator) -> None:
    sre = allocator.of("-", Role.SRE)
    assert (await allocator.api.get("/flow", headers=sre)).status_code == 200
    assert (await allocator.api.get("/bundles", headers=sre)).status_code == 403
    assert (await allocator.api.get("/bundles")).status_code == 401
    assert (await allocator.api.get("/flow")).status_code == 401
