"""확인 완료 over real HTTP: an open attention item is listed; marking it handled takes it off the
OPEN list (and the open counts of /stats and /flow) and lists it under RESOLVED with who, when
and the note; a second mark is 409 and changes nothing; another seller's item is 404, a viewer
403; a finding recorded again after it was handled does not reopen it."""

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from packline_collector.adapters import order_changes_repository as changes
from packline_contracts import Marketplace, OrderRef
from packline_launcher.testing_tokens import TestTokens
from packline_runtime.tokens import Role

from .serving import Served, answer, served

A, B, C = "attn-a", "attn-b", "attn-c"
KIND = "RECIPIENT_CHANGED"
DETAIL = "the buyer changed the delivery address after the parcel shipped"


@pytest.fixture(scope="module")
async def collector(
    database_url: str, kafka_bootstrap: str, secrets_key: str, service_tokens: TestTokens
) -> AsyncIterator[Served]:
    async with served(database_url, kafka_bootstrap, secrets_key, service_tokens) as s:
        yield s


def _ref(seller: str, order_id: str) -> OrderRef:
    return OrderRef(
        seller_id=seller, marketplace=Marketplace.COUPANG, marketplace_order_id=order_id
    )


async def _seed(s: Served) -> dict[str, int]:
    """A's R-1, R-2, R-3 detected three, two and one hours ago; B's R-1 four hours ago (the
    oldest of all). Returns A's attention ids by order id."""
    now = datetime.now(UTC)
    async with s.pool.acquire() as conn:
        rows = [(_ref(A, f"R-{n}"), KIND, DETAIL) for n in (1, 2, 3)]
        assert await changes.add_attention(conn, [*rows, (_ref(B, "R-1"), KIND, DETAIL)]) == 4
        for seller, order_id, hours in ((A, "R-1", 3), (A, "R-2", 2), (A, "R-3", 1), (B, "R-1", 4)):
            await conn.execute(
                "UPDATE order_attention SET detected_at = $3 "
                "WHERE seller_id = $1 AND marketplace_order_id = $2",
                seller,
                order_id,
                now - timedelta(hours=hours),
            )
        found = await conn.fetch(
            "SELECT marketplace_order_id, attention_id FROM order_attention WHERE seller_id = $1",
            A,
        )
    return {r["marketplace_order_id"]: r["attention_id"] for r in found}


async def _row(s: Served, attention_id: int) -> dict[str, Any]:
    async with s.pool.acquire() as conn:
        row = await conn.fetchrow(
            "SELECT seller_id, marketplace_order_id, detected_at, resolved_at, resolved_by, note "
            "FROM order_attention WHERE attention_id = $1",
            attention_id,
        )
    assert row is not None
    return dict(row)


async def _listed(s: Served, seller: str = A, **params: Any) -> list[dict[str, Any]]:
    async with s.as_seller(seller) as http:
        found = await answer(await http.get("/orders-attention", params=params))
    return list(found["items"])


def _orders(items: list[dict[str, Any]]) -> list[str]:
    return [item["order"].rsplit(":", 1)[1] for item in items]


async def _open(s: Served, seller: str = A) -> tuple[datetime | None, int]:
    """(/flow's oldest open item, /stats' open count) as the seller's owner reads them."""
    async with s.as_seller(seller) as http:
        flow = await answer(await http.get("/flow"))
        stats = await answer(await http.get("/stats"))
    oldest = flow["oldest"]["attention"]
    return (datetime.fromisoformat(oldest) if oldest else None), stats["attention_open"]


def _resolve(http: Any, attention_id: int, **body: Any) -> Any:
    return http.post(f"/orders-attention/{attention_id}/resolve", json=body or None)


async def test_an_item_marked_handled_leaves_the_open_list_and_counts(collector: Served) -> None:
    s = collector
    ids = await _seed(s)
    r1, r2, r3 = [await _row(s, ids[f"R-{n}"]) for n in (1, 2, 3)]
    opened = await _listed(s)
    assert _orders(opened) == ["R-3", "R-2", "R-1"]  # newest first
    assert {(i["resolved_at"], i["resolved_by"], i["note"]) for i in opened} == {(None,) * 3}
    assert [i["attention_id"] for i in opened] == [ids["R-3"], ids["R-2"], ids["R-1"]]
    assert await _open(s) == (r1["detected_at"], 3)

    async with s.as_seller(A, sub="cs-kim@s1.kr") as kim, s.as_seller(A, sub="cs-lee") as lee:
        done = await answer(await _resolve(kim, ids["R-1"], note="  고객과 통화: 주소 정정  "))
        again = await _resolve(lee, ids["R-1"], note="다시")
    assert done["attention_id"] == ids["R-1"] and done["order"] == f"{A}:COUPANG:R-1"
    assert done["resolved_by"] == "cs-kim@s1.kr" and done["note"] == "고객과 통화: 주소 정정"
    stored = await _row(s, ids["R-1"])
    assert stored["resolved_by"] == "cs-kim@s1.kr" and stored["note"] == "고객과 통화: 주소 정정"
    assert datetime.fromisoformat(done["resolved_at"]) == stored["resolved_at"]
    assert stored["resolved_at"] > r1["detected_at"]
    # twice: 409 saying so; the first mark stands
    assert again.status_code == 409, again.text
    assert "already resolved" in again.json()["detail"] and "cs-kim@s1.kr" in again.json()["detail"]
    assert await _row(s, ids["R-1"]) == stored

    assert _orders(await _listed(s)) == ["R-3", "R-2"]
    assert _orders(await _listed(s, state="OPEN")) == ["R-3", "R-2"]
    [resolved] = await _listed(s, state="RESOLVED")
    assert resolved == done
    assert _orders(await _listed(s, state="ALL")) == ["R-3", "R-2", "R-1"]
    assert _orders(await _listed(s, state="RESOLVED", q="R-2")) == []
    async with s.as_seller(A) as a:
        assert (await a.get("/orders-attention", params={"state": "DONE"})).status_code == 422
    # the oldest open one is now R-2
    assert await _open(s) == (r2["detected_at"], 2)

    # a finding recorded again after it was handled does not reopen it
    async with s.pool.acquire() as conn:
        assert await changes.add_attention(conn, [(_ref(A, "R-1"), KIND, DETAIL)]) == 0
    assert await _row(s, ids["R-1"]) == stored

    async with s.as_seller(A) as a:
        await answer(await _resolve(a, ids["R-2"]))  # no body: no note
        last = await answer(await _resolve(a, ids["R-3"], note="   "))
    assert last["note"] is None and (await _row(s, ids["R-2"]))["note"] is None
    assert (await _row(s, ids["R-2"]))["resolved_by"] == "tester"
    assert await _listed(s) == []
    assert _orders(await _listed(s, state="RESOLVED")) == ["R-3", "R-2", "R-1"]
    assert await _open(s) == (None, 0)
    # B's own open item was never touched, and is B's oldest
    [b_item] = await _listed(s, B)
    assert await _open(s, B) == (datetime.fromisoformat(b_item["detected_at"]), 1)
    assert r3["resolved_at"] is None  # (read before anything was marked)


async def test_another_sellers_item_is_404_and_a_viewer_is_refused(collector: Served) -> None:
    s = collector
    async with s.pool.acquire() as conn:
        await changes.add_attention(conn, [(_ref(C, "V-1"), KIND, DETAIL)])
        item = await conn.fetchval(
            "SELECT attention_id FROM order_attention "
            "WHERE seller_id = $1 AND marketplace_order_id = 'V-1'",
            C,
        )
    path = f"/orders-attention/{item}/resolve"
    async with s.as_seller(B) as b, s.as_seller(C, Role.VIEWER) as viewer, s.as_seller(C) as c:
        other = await b.post(path, json={"note": "not mine"})
        named = await c.post(path, params={"seller_id": B}, json={})
        missing = await c.post("/orders-attention/999999999/resolve", json={})
        watched = await viewer.post(path, json={})
        long_note = await c.post(path, json={"note": "가" * 301})
        extra = await c.post(path, json={"note": "ok", "by": "someone else"})
        zero = await c.post("/orders-attention/0/resolve", json={})

    # another seller's item reads as one that does not exist
    assert other.status_code == 404 and other.json()["detail"] == f"no attention item {item}"
    assert missing.status_code == 404 and missing.json()["detail"] == "no attention item 999999999"
    assert named.status_code == 404
    assert watched.status_code == 403
    assert long_note.status_code == 422 and extra.status_code == 422 and zero.status_code == 422
    # none of them changed it: it is still C's open item
    row = await _row(s, item)
    assert (row["seller_id"], row["resolved_at"], row["resolved_by"]) == (C, None, None)
    assert _orders(await _listed(s, C)) == ["V-1"]
    async with s.as_seller(B) as b:
        found = await answer(await b.get("/orders-attention", params={"state": "ALL"}))
    assert all(i["order"].startswith(f"{B}:") for i in found["items"])
