"""An order is (seller, marketplace, marketplace order id): two sellers' own-shop or Excel
orders `A-1` are two orders, each collected, cancelled and deleted on its own."""

import io
import json
import uuid
from datetime import UTC, datetime
from typing import Any

import asyncpg
from openpyxl import Workbook

from packline_collector.bootstrap import MIGRATIONS
from packline_collector.domain.orders import NewOrder
from packline_collector.service_layer import excel_registration as excel
from packline_collector.service_layer import use_cases
from packline_contracts import Marketplace, OrderRef
from packline_runtime.unit_of_work import unit_of_work

SELLERS = ("seller-a", "seller-b")


def _own_shop_order(seller_id: str) -> NewOrder:
    return NewOrder.model_validate(
        {
            "seller_id": seller_id,
            "marketplace": "OWN_SHOP",
            "marketplace_order_id": "A-1",
            "ordered_at": "2026-11-28T01:00:00+00:00",
            "paid_at": "2026-11-28T01:00:00+00:00",
            "recipient": {"name": "김민준", "mobile": "010-1234-5678", "address1": "서울 중구 1"},
            "lines": [
                {
                    "line_id": "1",
                    "listing_id": "L1",
                    "quantity": 1,
                    "unit_price_krw": 1000,
                    "amount_krw": 1000,
                }
            ],
        }
    )


def _excel_with_order_a1() -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("주문")
    sheet.append(
        ["판매처", "주문번호", "수취인명", "수취인 연락처", "주소", "상품명", "수량", "금액"]
    )
    sheet.append(["자사몰", "A-1", "김민준", "010-1234-5678", "서울 중구 1", "현미", 1, 1000])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


async def _outbox(pool: asyncpg.Pool, event_type: str) -> list[dict[str, Any]]:
    async with pool.acquire() as conn:
        rows = await conn.fetch(
            "SELECT payload FROM outbox WHERE event_type = $1 ORDER BY id", event_type
        )
    return [json.loads(r["payload"]) for r in rows]


async def _statuses(pool: asyncpg.Pool) -> dict[str, str]:
    async with pool.acquire() as conn:
        rows = await conn.fetch("SELECT seller_id, marketplace_order_id, status FROM orders")
    return {f"{r['seller_id']}/{r['marketplace_order_id']}": r["status"] for r in rows}


async def test_two_sellers_order_a1_are_two_orders_and_cancel_apart(new_schema: Any) -> None:
    pool = await new_schema(MIGRATIONS)
    for seller in SELLERS:
        async with unit_of_work(pool) as uow:
            result = await use_cases.register_orders(uow, [_own_shop_order(seller)], "MANUAL")
        assert (len(result.created), result.duplicates) == (1, []), seller

    collected = await _outbox(pool, "OrderCollected")
    assert [(e["seller_id"], e["order"]["seller_id"]) for e in collected] == [
        (s, s) for s in SELLERS
    ]
    assert len({e["recipient_key"] for e in collected}) == 2  # equal recipients, two sellers

    ref_a = OrderRef(
        seller_id="seller-a", marketplace=Marketplace.OWN_SHOP, marketplace_order_id="A-1"
    )
    async with unit_of_work(pool) as uow:
        assert await use_cases.cancel_order(uow, ref_a, "buyer asked", "CONSOLE") is not None

    assert await _statuses(pool) == {
        "seller-a/A-1": "CANCEL_REQUESTED",
        "seller-b/A-1": "COLLECTED",
    }
    cancelled = await _outbox(pool, "OrderCancelled")
    assert [(e["seller_id"], e["order"]["seller_id"]) for e in cancelled] == [
        ("seller-a", "seller-a")
    ]


async def test_two_sellers_excel_order_a1_register_and_delete_apart(new_schema: Any) -> None:
    pool = await new_schema(MIGRATIONS)
    batches = {}
    for seller in SELLERS:
        async with unit_of_work(pool) as uow:
            result = await excel.register_file(
                uow, seller, _excel_with_order_a1(), datetime.now(UTC)
            )
        assert (result["created"], result["duplicates"]) == (1, 0), seller
        batches[seller] = uuid.UUID(result["batch_id"])

    async with unit_of_work(pool) as uow:
        deleted = await excel.delete_batch(
            uow, "seller-a", batches["seller-a"], skip_past_matching=False
        )

    assert deleted["deleted"] == 1
    assert await _statuses(pool) == {"seller-a/A-1": "DELETED", "seller-b/A-1": "COLLECTED"}
    assert [e["order"]["seller_id"] for e in await _outbox(pool, "OrderCollected")] == list(SELLERS)
