"""주문등록's list of uploaded Excel batches over real HTTP (GET /orders/excel/batches): newest
first with who uploaded it, the orders left and their marketplaces, whether one is past matching;
changed or gone after DELETE; another seller's never listed. And migration 013's backfill of the
batches registered before it (and 014's of the time each order entered its status)."""

import csv
import io
import json
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from packline_collector.bootstrap import MIGRATIONS
from packline_launcher.testing_tokens import TestTokens

from .serving import Served, answer, own_order, served

A, B = "batches-a", "batches-b"
HEADER = [
    "판매처",
    "주문번호",
    "수취인명",
    "수취인 연락처",
    "우편번호",
    "주소",
    "상품명",
    "수량",
    "금액",
]


@pytest.fixture(scope="module")
async def collector(
    database_url: str, kafka_bootstrap: str, secrets_key: str, service_tokens: TestTokens
) -> AsyncIterator[Served]:
    async with served(database_url, kafka_bootstrap, secrets_key, service_tokens) as s:
        yield s


def _csv(*orders: tuple[str, str]) -> bytes:
    """(판매처, 주문번호) per order, one line each."""
    out = io.StringIO()
    sheet = csv.writer(out)
    sheet.writerow(HEADER)
    for marketplace, number in orders:
        sheet.writerow(
            [
                marketplace,
                number,
                "이서연",
                "010-2222-3333",
                "48059",
                "부산 해운대구 1",
                "감귤",
                1,
                9000,
            ]
        )
    return out.getvalue().encode("utf-8")


async def _upload(s: Served, seller: str, data: bytes, sub: str = "kim@shop") -> str:
    async with s.as_seller(seller, sub=sub) as http:
        created = await answer(await http.post("/orders/excel", content=data), 201)
    return str(created["batch_id"])


async def _batches(s: Served, seller: str = A, **params: Any) -> Any:
    async with s.as_seller(seller) as http:
        return await answer(await http.get("/orders/excel/batches", params=params))


async def test_uploaded_batches_are_listed_until_deleted(collector: Served) -> None:
    s = collector
    first = await _upload(s, A, _csv(("11번가", "B-1"), ("11번가", "B-2"), ("쿠팡", "B-3")))
    second = await _upload(s, A, _csv(("자사몰", "B-4")), sub="lee@shop")
    again = _csv(("자사몰", "B-4"), ("자사몰", "B-5"))  # B-4 is a duplicate: one order made
    third = await _upload(s, A, again)
    theirs = await _upload(s, B, _csv(("11번가", "B-1")))
    async with s.as_seller(A) as a:  # a JSON-lines import is a batch too, but not an Excel one
        jsonl = json.dumps(own_order("J-1")).encode()
        await answer(await a.post("/orders/import", content=jsonl), 201)
    async with s.pool.acquire() as conn:
        registered = await conn.fetchval(
            "SELECT collected_at FROM orders WHERE seller_id = $1 AND marketplace_order_id = 'B-1'",
            A,
        )
        await conn.execute(  # the matcher has B-3 (OrderMatched noted)
            "UPDATE orders SET matched_at = now() WHERE seller_id = $1 "
            "AND marketplace_order_id = 'B-3'",
            A,
        )
    listed = await _batches(s)
    paged = await _batches(s, limit=1)
    b_listed = await _batches(s, B)
    async with s.as_seller(B) as b:
        named = await b.get("/orders/excel/batches", params={"seller_id": A})
        foreign = await b.delete(f"/orders/excel/batches/{first}")
    async with s.as_seller(A) as a:
        await answer(await a.delete(f"/orders/excel/batches/{second}"))
        refused = await a.delete(f"/orders/excel/batches/{first}")
        after_refusal = await _batches(s)
        kept = await answer(
            await a.delete(f"/orders/excel/batches/{first}", params={"skip_past_matching": "true"})
        )
    after = await _batches(s)

    assert [b["batch_id"] for b in listed["items"]] == [third, second, first]
    newest, _, oldest = listed["items"]
    assert oldest == {
        "batch_id": first,
        "registered_at": oldest["registered_at"],
        "registered_by": "kim@shop",
        "registered": 3,
        "orders": 3,
        "marketplaces": ["COUPANG", "ELEVENST"],
        "past_matching": True,
    }
    assert datetime.fromisoformat(oldest["registered_at"]) == registered
    assert listed["items"][1]["registered_by"] == "lee@shop"
    assert (newest["registered"], newest["orders"], newest["past_matching"]) == (1, 1, False)
    assert [b["batch_id"] for b in paged["items"]] == [third] and paged["next_offset"] == 1
    assert [b["batch_id"] for b in b_listed["items"]] == [theirs]
    assert (named.status_code, foreign.status_code, refused.status_code) == (404, 404, 409)
    assert [b["batch_id"] for b in after_refusal["items"]] == [third, first]  # second: gone
    assert kept["deleted"] == 2 and len(kept["refused"]) == 1
    assert [(b["batch_id"], b["orders"], b["marketplaces"]) for b in after["items"]] == [
        (third, 1, ["OWN_SHOP"]),
        (first, 1, ["COUPANG"]),
    ]
    assert after["items"][1]["registered"] == 3 and after["items"][1]["past_matching"]


async def test_the_migration_backfills_batches_and_status_times(new_schema: Any) -> None:
    pool, upgrade = await new_schema.before(
        MIGRATIONS, "013_order_batches.sql", "014_order_status_at.sql", prefix="cbatch"
    )
    batch, day = uuid.uuid4(), datetime(2026, 11, 20, 1, 0, tzinfo=UTC)
    rows = [  # (order, source, batch, status, collected_at, updated_at)
        ("O-1", "EXCEL", batch, "COLLECTED", day, day + timedelta(hours=5)),
        ("O-2", "EXCEL", batch, "SHIPPED", day, day + timedelta(days=1)),
        ("O-3", "MANUAL", None, "CANCEL_REQUESTED", day, day + timedelta(days=2)),
    ]
    async with pool.acquire() as conn:
        await conn.executemany(
            "INSERT INTO orders (marketplace, marketplace_order_id, seller_id, recipient_key, "
            "source, batch_id, status, event_id, paid_at, collected_at, updated_at) "
            "VALUES ('OWN_SHOP', $1, 'old', 'k', $2, $3, $4, gen_random_uuid(), $5, $5, $6)",
            rows,
        )
    assert await upgrade() == ["service/013_order_batches.sql", "service/014_order_status_at.sql"]
    async with pool.acquire() as conn:
        batches = [dict(r) for r in await conn.fetch("SELECT * FROM order_batches")]
        status_at = dict(await conn.fetch("SELECT marketplace_order_id, status_at FROM orders"))
    assert batches == [
        {
            "seller_id": "old",
            "batch_id": batch,
            "source": "EXCEL",
            "registered_at": day,
            "registered_by": "",
            "registered": 2,
        }
    ]
    assert status_at == {
        "O-1": day,
        "O-2": day + timedelta(days=1),
        "O-3": day + timedelta(days=2),
    }
