"""How 할당 decides, over the allocator's HTTP routes against real PostgreSQL: rule sets saved as
versions (PUT/GET /rules), every wave recorded with the version it applied, a dry run that
changes no row (GET /waves/preview), and why a bundle got stock or waits (GET
/bundles/{id}/why); another seller's rules, previews and bundles are answered 404."""

import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest

from packline_contracts import BundleFormed, Marketplace
from packline_launcher.testing import bundle, collected, line, matched
from packline_launcher.testing_tokens import TestTokens
from packline_runtime.tokens import Role
from services.allocator.tests.integration.serving import Served, serving


class Allocator(Served):
    async def ok(self, method: str, path: str, seller: str = "sa", **kw: Any) -> Any:
        answer = await self.call(method, path, seller, **kw)
        assert answer.status_code == 200, answer.text
        return answer.json()

    async def rows(self) -> dict[str, list[Any]]:
        """Every row a wave or a stock change could write, to prove a preview wrote none."""
        tables = {
            "stock": "SELECT seller_id, sku, on_hand, allocated, updated_at FROM stock",
            "bundles": "SELECT bundle_id, status, allocated_at FROM bundles",
            "orders": "SELECT order_uid, status, allocated_at FROM bundle_orders",
            "reservations": "SELECT * FROM reservations",
            "waves": "SELECT * FROM waves",
            "decisions": "SELECT wave_id, bundle_id FROM wave_decisions",
            "outbox": "SELECT event_id FROM outbox",
        }
        return {t: sorted(map(tuple, await self.pool.fetch(q))) for t, q in tables.items()}


@pytest.fixture
async def allocator(new_schema: Any, service_tokens: TestTokens) -> AsyncIterator[Allocator]:
    async with serving(new_schema, service_tokens, "allocr", Allocator) as served:
        yield served


def box(number: int, units: int = 1, marketplace: str = "COUPANG", **needs: int) -> BundleFormed:
    """Seller sa's one-order bundle paid `number` minutes after T0, 10,000 KRW per unit."""
    order = collected(number, line(quantity=units), seller="sa")
    ref = order.order.model_copy(update={"marketplace": Marketplace(marketplace)})
    return bundle(matched(order.model_copy(update={"order": ref}), needs))


AMOUNT_FIRST = {"criteria": [{"kind": "AMOUNT", "descending": True}], "note": "big spenders"}


async def test_rule_sets_are_saved_as_versions_and_read_with_their_history(
    allocator: Allocator,
) -> None:
    empty = await allocator.ok("GET", "/rules")
    assert empty["history"] == []
    assert (empty["current"]["version"], empty["current"]["order"]) == (0, "by paid time")

    v1 = await allocator.ok("PUT", "/rules", json=AMOUNT_FIRST)
    ranking = {"kind": "MARKETPLACE_PRIORITY", "ranking": ["NAVER", "COUPANG"]}
    v2 = await allocator.ok(
        "PUT",
        "/rules",
        json={"criteria": [ranking, {"kind": "PAID_AT", "condition": {"skus": ["BONE-SOUP"]}}]},
    )
    assert (v1["version"], v1["note"], v1["created_by"]) == (1, "big spenders", "tester")
    assert v1["changes"] == ["removed paid time", "added amount (largest first)"]
    assert v2["version"] == 2
    assert v2["order"] == "by marketplace priority (NAVER > COUPANG), then paid time for BONE-SOUP"

    found = await allocator.ok("GET", "/rules")
    assert found["current"] == v2
    assert [r["version"] for r in found["history"]] == [2, 1]
    stored = await allocator.pool.fetch(
        "SELECT seller_id, version, created_by FROM rule_sets ORDER BY version"
    )
    assert [tuple(r) for r in stored] == [("sa", 1, "tester"), ("sa", 2, "tester")]
    # another seller has none of them, and may not read or write sa's
    assert (await allocator.ok("GET", "/rules", "sb"))["current"]["version"] == 0
    assert (
        await allocator.call("GET", "/rules", "sb", params={"seller_id": "sa"})
    ).status_code == 404
    named = await allocator.call("PUT", "/rules", "sb", json={**AMOUNT_FIRST, "seller_id": "sa"})
    assert named.status_code == 404
    viewer = await allocator.call("PUT", "/rules", "sa", Role.VIEWER, json=AMOUNT_FIRST)
    assert viewer.status_code == 403
    assert await allocator.pool.fetchval("SELECT count(*) FROM rule_sets") == 2


@pytest.mark.parametrize(
    ("criteria", "names"),
    [
        ([{"kind": "PAID_AT"}, {"kind": "CHEAPEST"}], "criteria.1.kind"),
        ([{"kind": "MARKETPLACE_PRIORITY", "ranking": ["COUPANG", "EBAY"]}], "criteria.0.ranking"),
        ([{"kind": "AMOUNT"}, {"kind": "PAID_AT"}, {"kind": "AMOUNT"}], "criteria[2]"),
        ([{"kind": "MARKETPLACE_PRIORITY", "ranking": ["NAVER", "NAVER"]}], "criteria[0]"),
    ],
)
async def test_a_bad_rule_set_is_422_naming_the_criterion(
    allocator: Allocator, criteria: list[dict[str, Any]], names: str
) -> None:
    answer = await allocator.call("PUT", "/rules", json={"criteria": criteria})
    assert answer.status_code == 422, answer.text
    assert names in answer.text
    assert await allocator.pool.fetchval("SELECT count(*) FROM rule_sets") == 0


async def test_a_wave_applies_the_current_rules_and_is_recorded_with_their_version(
    allocator: Allocator,
) -> None:
    cheap, dear, small = box(1, A=2), box(2, units=9, A=2), box(3, A=1)
    await allocator.feed(cheap, dear, small)  # nothing stocked: a wave looks, allocates none
    await allocator.ok("PUT", "/rules", json=AMOUNT_FIRST)
    await allocator.ok("PUT", "/stock", json={"items": [{"sku": "A", "on_hand": 3}]})

    rows = await allocator.pool.fetch("SELECT bundle_id, status FROM bundles")
    status = {r["bundle_id"]: r["status"] for r in rows}
    assert [status[b.bundle_id] for b in (cheap, dear, small)] == [
        "WAITING",
        "ALLOCATED",
        "ALLOCATED",
    ]
    waves = await allocator.pool.fetch(
        "SELECT wave_id, seller_id, trigger, rule_version, allocated, waiting FROM waves "
        "ORDER BY started_at"
    )
    assert [tuple(w)[1:] for w in waves] == [
        ("sa", "CONTINUOUS", 0, 0, 3),  # the bundles arrived, under the default rules
        ("sa", "CONTINUOUS", 1, 2, 1),  # the stock arrived, under v1
    ]
    decisions = await allocator.pool.fetch(
        "SELECT bundle_id, allocated, position, reason::text AS reason FROM wave_decisions "
        "WHERE wave_id = $1 ORDER BY position",
        waves[1]["wave_id"],
    )
    assert [(d["bundle_id"], d["allocated"], d["position"]) for d in decisions] == [
        (dear.bundle_id, True, 1),
        (cheap.bundle_id, False, 2),
        (small.bundle_id, True, 3),
    ]
    assert '"short": 1' in decisions[1]["reason"]


async def test_a_preview_lists_every_waiting_bundle_and_why_and_changes_no_row(
    allocator: Allocator,
) -> None:
    await allocator.ok("PUT", "/stock", json={"items": [{"sku": "A", "on_hand": 0}]})
    first, second, ghost = box(1, A=2), box(2, A=2), box(3, GHOST=1)
    await allocator.feed(first, second, ghost)
    await allocator.pool.execute("UPDATE stock SET on_hand = 3 WHERE sku = 'A'")  # no wave yet
    before = await allocator.rows()

    seen = await allocator.ok("GET", "/waves/preview")

    assert await allocator.rows() == before
    assert (seen["rule_version"], seen["waiting"], seen["would_allocate"]) == (0, 3, 1)
    assert [(b["bundle_id"], b["allocated"]) for b in seen["bundles"]] == [
        (str(first.bundle_id), True),
        (str(second.bundle_id), False),
        (str(ghost.bundle_id), False),
    ]
    assert [b["reason"] for b in seen["bundles"]] == [
        "allocated; position 1 of 3 by paid time under rule v0",
        "A short by 1; position 2 of 3 by paid time under rule v0",
        "GHOST short by 1 (never stocked); position 3 of 3 by paid time under rule v0",
    ]
    assert seen["bundles"][1]["skus"] == [
        {"sku": "A", "needed": 2, "on_hand": 3, "available": 1, "short": 1}
    ]
    limited = await allocator.ok("GET", "/waves/preview?limit=1")
    assert (limited["waiting"], len(limited["bundles"])) == (3, 1)
    other = await allocator.call("GET", "/waves/preview?seller_id=sa", "sb")
    assert other.status_code == 404
    assert (await allocator.ok("GET", "/waves/preview", "sb"))["bundles"] == []
    viewer = await allocator.call("GET", "/waves/preview", "sa", Role.VIEWER)
    assert viewer.status_code == 200, viewer.text  # a dry run changes nothing: viewers look too


async def test_why_lists_the_decisions_on_a_bundle_newest_first(allocator: Allocator) -> None:
    late = box(2, A=2)
    await allocator.feed(box(1, A=2), late)
    await allocator.ok("PUT", "/stock", json={"items": [{"sku": "A", "on_hand": 3}]})
    await allocator.ok("PUT", "/rules", json=AMOUNT_FIRST)
    await allocator.ok("POST", "/allocation/waves", json={})  # 할당처리: still short
    await allocator.ok("PUT", "/stock", json={"items": [{"sku": "A", "on_hand": 4}]})

    why = await allocator.ok("GET", f"/bundles/{late.bundle_id}/why")
    assert why["bundle_id"] == str(late.bundle_id)
    assert [
        (d["trigger"], d["rule_version"], d["allocated"], d["position"], d["of"])
        for d in why["decisions"]
    ] == [
        ("CONTINUOUS", 1, True, 1, 1),
        ("MANUAL", 1, False, 1, 1),
        ("CONTINUOUS", 0, False, 2, 2),
        ("CONTINUOUS", 0, False, 2, 2),  # the bundles arrived, nothing stocked
    ]
    assert why["decisions"][1]["reason"] == (
        "A short by 1; position 1 of 1 by amount (largest first) under rule v1"
    )
    assert why["decisions"][0]["skus"] == [
        {"sku": "A", "needed": 2, "on_hand": 4, "available": 2, "short": 0}
    ]
    times = [d["started_at"] for d in why["decisions"]]
    assert times == sorted(times, reverse=True)
    # another seller's bundle, named by path or by seller, and no bundle at all: 404
    assert (await allocator.call("GET", f"/bundles/{late.bundle_id}/why", "sb")).status_code == 404
    named = await allocator.call(
        "GET", f"/bundles/{late.bundle_id}/why", "sb", params={"seller_id": "sa"}
    )
    assert named.status_code == 404
    assert (await allocator.call("GET", f"/bundles/{uuid.uuid4()}/why")).status_code == 404
