"""The search box of the collector's lists over real HTTP: `q` (comma-separated terms, LIKE's
`%` and `_` taken literally) and `since`, filtered in SQL before paging, never reaching another
seller's rows: GET /orders, /orders-attention, /tracking-pushes and /mismatches."""

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from packline_launcher.testing_tokens import TestTokens

from .serving import Served, answer, own_order, served

A, B = "search-a", "search-b"
NOW = datetime.now(UTC)
WEEK_AGO = NOW - timedelta(days=7)
YESTERDAY = (datetime.now(UTC) - timedelta(days=1)).isoformat()


@pytest.fixture(scope="module")
async def collector(
    database_url: str, kafka_bootstrap: str, secrets_key: str, service_tokens: TestTokens
) -> AsyncIterator[Served]:
    async with served(database_url, kafka_bootstrap, secrets_key, service_tokens) as s:
        yield s


async def _ids(s: Served, path: str, key: str, seller: str = A, **params: Any) -> list[str]:
    async with s.as_seller(seller) as http:
        found = await answer(await http.get(path, params=params))
    return sorted(item[key] for item in found["items"])


async def test_orders_are_searched_by_their_ids_in_sql_before_paging(collector: Served) -> None:
    s = collector
    async with s.as_seller(A) as a, s.as_seller(B) as b:
        for order_id in ("Q-100", "Q-10%", "Q_1", "QX1"):
            await answer(await a.post("/orders", json=own_order(order_id)), 201)
        numbered = own_order("Q-200", marketplace_order_no="ORDNO-777")
        await answer(await a.post("/orders", json=numbered), 201)
        await answer(await b.post("/orders", json=own_order("Q-100")), 201)
        await answer(await a.post("/orders/OWN_SHOP/Q-200/cancel"), 202)
        async with s.pool.acquire() as conn:  # Q-100 was collected a week ago
            await conn.execute(
                "UPDATE orders SET collected_at = $2 WHERE seller_id = $1 "
                "AND marketplace_order_id = 'Q-100'",
                A,
                WEEK_AGO,
            )
        one = await answer(await a.get("/orders", params={"q": "q-100"}))
        first = await answer(await a.get("/orders", params={"q": "Q-", "limit": 1}))
        second = await answer(await a.get("/orders", params={"q": "Q-", "limit": 1, "offset": 1}))
        recent = await answer(await a.get("/orders", params={"q": "Q", "since": YESTERDAY}))
        everything = await answer(await a.get("/orders"))
    assert [o["marketplace_order_id"] for o in one["items"]] == ["Q-100"]
    assert one["items"][0]["seller_id"] == A and "recipient" not in one["items"][0]
    assert one["by_status"] == {"COLLECTED": 1} and one["next_offset"] is None
    assert await _ids(s, "/orders", "marketplace_order_id", q="Q-100, q-200") == ["Q-100", "Q-200"]
    assert await _ids(s, "/orders", "marketplace_order_id", q="10%") == ["Q-10%"]
    assert await _ids(s, "/orders", "marketplace_order_id", q="Q_1") == ["Q_1"]
    assert await _ids(s, "/orders", "marketplace_order_id", q="ordno-777") == ["Q-200"]
    assert await _ids(s, "/orders", "marketplace_order_id", q="nothing-like-it") == []
    # filtered, then paged: three match Q-, one per page, newest collected first
    assert first["next_offset"] == 1 and len(first["items"]) == 1
    assert first["by_status"] == {"COLLECTED": 2, "CANCEL_REQUESTED": 1}
    assert second["items"] != first["items"] and second["next_offset"] == 2
    assert sorted(o["marketplace_order_id"] for o in recent["items"]) == [
        "Q-10%",
        "Q-200",
        "QX1",
        "Q_1",
    ]
    assert recent["by_status"] == {"COLLECTED": 3, "CANCEL_REQUESTED": 1}
    assert everything["by_status"] == {"COLLECTED": 4, "CANCEL_REQUESTED": 1}
    # B's own order of the same id, never A's
    assert await _ids(s, "/orders", "seller_id", B, q="Q-") == [B]
    async with s.as_seller(B) as b:
        assert (await b.get("/orders", params={"seller_id": A, "q": "Q"})).status_code == 404


async def _seed_lists(s: Served) -> None:
    """For A: three attention rows, three push lines, three mismatches (the third of each a
    week old); for B the same rows, which would match every search A makes."""
    async with s.pool.acquire() as conn:
        for seller in (A, B):
            await conn.executemany(
                "INSERT INTO order_attention (seller_id, marketplace, marketplace_order_id, "
                "kind, detail, detected_at) VALUES ($1, 'COUPANG', $2, 'RECIPIENT_CHANGED', $3, $4)",
                [
                    (seller, "AT-1", "the buyer asked for a return (반품)", datetime.now(UTC)),
                    (seller, "AT-2", "50% of the units cancelled", datetime.now(UTC)),
                    (seller, "AT-3", "500 units cancelled", WEEK_AGO),
                ],
            )
            await conn.executemany(
                "INSERT INTO tracking_pushes (seller_id, marketplace, marketplace_order_id, "
                "line_id, parcel_id, courier_code, tracking_number, state, result_message, "
                "last_attempt_at, created_at, updated_at) VALUES ($1, 'NAVER', $2, '1', "
                "gen_random_uuid(), 'HANJIN', $3, $4, $5, $6, $7, $7)",
                [
                    (seller, "PU-1", "510000000011", "SENT", "", datetime.now(UTC), WEEK_AGO),
                    (seller, "PU-2", "510000000022", "FAILED", "송장 100% 중복", None, NOW),
                    (seller, "PU-3", "510000000033", "FAILED", "1000 lines", WEEK_AGO, WEEK_AGO),
                ],
            )
            await conn.executemany(
                "INSERT INTO mismatches (seller_id, marketplace, marketplace_order_id, line_id, "
                "kind, our_tracking_number, marketplace_tracking_number, detected_at) "
                "VALUES ($1, 'COUPANG', $2, '1', 'NUMBER_DIFFERS', $3, $4, $5)",
                [
                    (seller, "MM-1", "620000000011", "629999999911", datetime.now(UTC)),
                    (seller, "MM-2", "620000000022", "629999999922", datetime.now(UTC)),
                    (seller, "MM-3", "620000000033", "62_0%", WEEK_AGO),
                ],
            )


async def test_attention_pushes_and_mismatches_are_searched_in_sql(collector: Served) -> None:
    s = collector
    await _seed_lists(s)
    attention, pushes, mismatches = "/orders-attention", "/tracking-pushes", "/mismatches"

    def order_ids(items: list[str]) -> list[str]:
        return sorted(i.rsplit(":", 1)[1] for i in items)

    # /orders-attention: the order and the detail
    assert order_ids(await _ids(s, attention, "order", q="반품")) == ["AT-1"]
    assert order_ids(await _ids(s, attention, "order", q="at-2, AT-3")) == ["AT-2", "AT-3"]
    assert order_ids(await _ids(s, attention, "order", q="50%")) == ["AT-2"]
    assert order_ids(await _ids(s, attention, "order", since=YESTERDAY)) == ["AT-1", "AT-2"]
    assert {o.split(":")[0] for o in await _ids(s, attention, "order", q="AT")} == {A}
    # /tracking-pushes: the order, the tracking number, the marketplace's message; since on the
    # last attempt (PU-1 today), or on the line's creation when never attempted (PU-2)
    assert await _ids(s, pushes, "marketplace_order_id", q="510000000022") == ["PU-2"]
    assert await _ids(s, pushes, "marketplace_order_id", q="pu-1,중복") == ["PU-1", "PU-2"]
    assert await _ids(s, pushes, "marketplace_order_id", q="100%") == ["PU-2"]
    assert await _ids(s, pushes, "marketplace_order_id", since=YESTERDAY) == ["PU-1", "PU-2"]
    assert await _ids(s, pushes, "marketplace_order_id", q="PU", state="FAILED") == [
        "PU-2",
        "PU-3",
    ]
    assert await _ids(s, pushes, "seller_id", q="PU") == [A, A, A]
    # /mismatches: the order and both tracking numbers
    assert await _ids(s, mismatches, "marketplace_order_id", q="629999999922") == ["MM-2"]
    assert await _ids(s, mismatches, "marketplace_order_id", q="620000000011, MM-3") == [
        "MM-1",
        "MM-3",
    ]
    assert await _ids(s, mismatches, "marketplace_order_id", q="_0%") == ["MM-3"]
    assert await _ids(s, mismatches, "marketplace_order_id", since=YESTERDAY) == ["MM-1", "MM-2"]
    assert await _ids(s, mismatches, "seller_id", q="MM") == [A, A, A]
    # filtered before paging: the one match is found on the first page of one
    async with s.as_seller(A) as a:
        page = await answer(await a.get(mismatches, params={"q": "MM-3", "limit": 1}))
        too_long = await a.get(mismatches, params={"q": "x" * 501})
    assert [m["marketplace_order_id"] for m in page["items"]] == ["MM-3"]
    assert page["next_offset"] is None and too_long.status_code == 422
