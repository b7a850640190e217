"""엑셀 주문등록 on PostgreSQL: a 10,000-row file in one go, all or nothing, today's counts per
marketplace, and deleting a batch while nothing past matching has its orders."""

import io
import json
import time
import uuid
from collections import Counter
from datetime import UTC, datetime
from typing import Any

import asyncpg
import pytest
from openpyxl import Workbook

from packline_collector.adapters import order_changes_repository as changes
from packline_collector.bootstrap import MIGRATIONS
from packline_collector.service_layer import excel_registration as excel
from packline_contracts import Marketplace, OrderRef
from packline_runtime.unit_of_work import unit_of_work

HEADER = [
    "판매처",
    "주문번호",
    "수취인명",
    "수취인 연락처",
    "우편번호",
    "주소",
    "상세주소",
    "상품명",
    "옵션",
    "수량",
    "금액",
    "배송메세지",
]
MARKETS = ["쿠팡", "네이버", "11번가", "지마켓", "옥션", "자사몰"]


def _xlsx(rows: int, bad_row: int | None = None) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("주문")
    sheet.append(HEADER)
    for n in range(rows):
        order_id = "5.21853E+11" if n == bad_row else f"2026112{n // 2:07d}"  # two rows per order
        sheet.append(
            [
                MARKETS[(n // 2) % 6],
                order_id,
                "김민준",
                f"010-{n // 2 % 9000 + 1000}-5678",
                "06236",
                f"서울특별시 강남구 테헤란로 {n // 2 % 300 + 1}",
                "12층",
                "유기농 현미 5kg",
                "5kg" if n % 2 else "10kg",
                1 + n % 2,
                32900,
                "문 앞",
            ]
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


async def _register(pool: asyncpg.Pool, data: bytes) -> dict[str, Any]:
    async with unit_of_work(pool) as uow:
        return await excel.register_file(uow, "s1", data, datetime.now(UTC))


async def _count(pool: asyncpg.Pool, sql: str) -> int:
    async with pool.acquire() as conn:
        return int(await conn.fetchval(sql))


async def test_ten_thousand_rows_register_in_one_transaction_and_count_today(
    new_schema: Any,
) -> None:
    pool = await new_schema(MIGRATIONS)
    data = _xlsx(10_000)
    # taken before registering, so a run that crosses midnight UTC still counts its rows
    start_of_day = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    started = time.perf_counter()
    result = await _register(pool, data)
    elapsed = time.perf_counter() - started
    print(f"\n10,000-row xlsx ({len(data) // 1024} KiB) registered in {elapsed:.1f}s")
    assert (result["rows"], result["created"]) == (10_000, 5_000)
    assert (
        await _count(pool, "SELECT count(*) FROM outbox WHERE event_type = 'OrderCollected'")
        == 5_000
    )
    async with pool.acquire() as conn:
        today = await changes.registered_since(conn, "s1", start_of_day)
    assert Counter({r["marketplace"]: r["orders"] for r in today}) == Counter(
        {
            m.value: 5_000 // 6 + (1 if i < 5_000 % 6 else 0)
            for i, m in enumerate(
                [
                    Marketplace.COUPANG,
                    Marketplace.NAVER,
                    Marketplace.ELEVENST,
                    Marketplace.GMARKET,
                    Marketplace.AUCTION,
                    Marketplace.OWN_SHOP,
                ]
            )
        }
    )
    again = await _register(pool, data)  # the same file twice: duplicates, not new orders
    assert (again["created"], again["duplicates"]) == (0, 5_000)


async def test_one_bad_cell_rejects_the_whole_file_naming_row_and_column(new_schema: Any) -> None:
    pool = await new_schema(MIGRATIONS)
    with pytest.raises(excel.FileRejected) as rejected:
        await _register(pool, _xlsx(500, bad_row=321))
    assert rejected.value.errors == [
        {"row": 323, "column": "주문번호", "problem": rejected.value.errors[0]["problem"]}
    ]
    assert "Excel rounded" in rejected.value.errors[0]["problem"]
    assert await _count(pool, "SELECT count(*) FROM orders") == 0
    assert await _count(pool, "SELECT count(*) FROM outbox") == 0


async def test_a_csv_in_cp949_registers_like_the_xlsx(new_schema: Any) -> None:
    pool = await new_schema(MIGRATIONS)
    text = (
        ",".join(HEADER)
        + "\r\n"
        + "쿠팡,20261128001,김민준,1012345678,6236,서울 강남구 테헤란로 1,1층,현미,5kg,1,32900,\r\n"
    )
    result = await _register(pool, text.encode("cp949"))
    assert result["created"] == 1 and result["repaired_count"] == 2


async def test_a_control_character_in_a_cell_rejects_the_file_naming_row_and_column(
    new_schema: Any,
) -> None:
    pool = await new_schema(MIGRATIONS)
    good = "쿠팡,20261128001,김민준,01012345678,06236,서울 강남구 테헤란로 1,1층,현미,5kg,1,32900,"
    rows = [
        good,
        "쿠팡,20261128002,김\x00민준,01012345678,06236,서울 강남구 테헤란로 2,1층,현미,5kg,1,32900,",
        "쿠팡,20261128003,이서연,01012345679,06236,서울 강남구\x01 테헤란로 3,1층,현미,5kg,1,32900,",
        # a delivery message may span lines: a quoted line break there is kept
        '쿠팡,20261128004,박지훈,01012345670,06236,서울 강남구 테헤란로 4,1층,현미,5kg,1,32900,"문 앞\n벨 X"',
    ]
    text = ",".join(HEADER) + "\r\n" + "\r\n".join(rows) + "\r\n"
    with pytest.raises(excel.FileRejected) as rejected:
        await _register(pool, text.encode("utf-8"))
    assert [(e["row"], e["column"]) for e in rejected.value.errors] == [
        (3, "수취인명"),
        (4, "주소"),
    ]
    assert "U+0000" in rejected.value.errors[0]["problem"]
    assert "U+0001" in rejected.value.errors[1]["problem"]
    assert await _count(pool, "SELECT count(*) FROM orders") == 0
    assert await _count(pool, "SELECT count(*) FROM outbox") == 0


async def test_an_alt_enter_line_break_in_an_address_cell_is_folded_not_refused(
    new_schema: Any,
) -> None:
    pool = await new_schema(MIGRATIONS)
    row = (
        '쿠팡,20261128005,김민준,01012345678,06236,"서울 강남구\n테헤란로 5",1층,현미,5kg,1,32900,'
    )
    text = ",".join(HEADER) + "\r\n" + row + "\r\n"
    result = await _register(pool, text.encode("utf-8"))
    assert result["created"] == 1
    async with pool.acquire() as conn:
        payload = await conn.fetchval("SELECT convert_from(payload, 'UTF8') FROM outbox")
    assert "서울 강남구 테헤란로 5" in payload


async def test_a_batch_is_deleted_unless_an_order_is_past_matching(new_schema: Any) -> None:
    pool = await new_schema(MIGRATIONS)
    batch = uuid.UUID((await _register(pool, _xlsx(6)))["batch_id"])
    matched = OrderRef(
        seller_id="s1", marketplace=Marketplace.COUPANG, marketplace_order_id="20261120000000"
    )
    async with pool.acquire() as conn:
        await changes.note_matched(conn, [matched])
    with pytest.raises(excel.DeleteRefused) as refused:
        async with unit_of_work(pool) as uow:
            await excel.delete_batch(uow, "s1", batch, skip_past_matching=False)
    assert refused.value.refused == [
        {"order": matched.uid, "reason": "already matched (매칭); cancel it on its own instead"}
    ]
    async with unit_of_work(pool) as uow:
        result = await excel.delete_batch(uow, "s1", batch, skip_past_matching=True)
    assert (result["deleted"], len(result["refused"])) == (2, 1)
    async with pool.acquire() as conn:
        payloads = [
            json.loads(r["payload"])
            for r in await conn.fetch(
                "SELECT payload FROM outbox WHERE event_type = 'OrderCancelled'"
            )
        ]
    assert len(payloads) == 2 and {p["source"] for p in payloads} == {"CONSOLE"}
    assert await _count(pool, "SELECT count(*) FROM orders WHERE status = 'DELETED'") == 2
