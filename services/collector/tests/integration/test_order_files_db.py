"""The marketplaces' own order files on PostgreSQL against the simulator over HTTP: the same
Coupang, Naver and 11st orders collected by API and uploaded from the file the seller centre
gives (either first) are one order each, with one OrderCollected; ids a file lacks are taken
from earlier API orders of the same options; a protected Naver file needs its password;
cancelled rows are skipped with their reason."""

import io
import json
from collections import Counter
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import asyncpg
import httpx
import pytest
from openpyxl import Workbook, load_workbook

from packline_collector.bootstrap import MIGRATIONS
from packline_collector.service_layer import excel_registration as excel
from packline_marketsim import coupang_state, elevenst_state
from packline_marketsim.server import RunningSimulator, running
from packline_marketsim.state import Simulator
from packline_runtime.unit_of_work import unit_of_work

from .order_files_setup import MARKETPLACES, PASSWORD, collect, open_accounts, place


@pytest.fixture
async def market() -> AsyncIterator[RunningSimulator]:
    async with running(Simulator(seed=7)) as server:
        yield server


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=10) as client:
        yield client


async def _upload(
    pool: asyncpg.Pool,
    market: RunningSimulator,
    http: httpx.AsyncClient,
    marketplace: str,
    account: str,
    drop: str = "",
) -> dict[str, Any]:
    password = PASSWORD if marketplace == "NAVER" else ""
    response = await http.get(
        f"{market.url}/_sim/files/{marketplace}/{account}.xlsx", params={"password": password}
    )
    assert response.status_code == 200, response.text
    data = _without(response.content, drop) if drop else response.content
    async with unit_of_work(pool) as uow:
        answer: dict[str, Any] = await excel.register_file(
            uow, "s1", data, datetime.now(UTC), password=password or None
        )
    return answer


def _without(data: bytes, header: str) -> bytes:
    """The workbook with one column left out, as a newer download lacks it."""
    rows = list(load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))
    at = rows[0].index(header)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append([v for i, v in enumerate(row) if i != at])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


async def _orders(pool: asyncpg.Pool) -> dict[tuple[str, str], dict[str, Any]]:
    async with pool.acquire() as conn:
        rows = await conn.fetch("SELECT * FROM orders WHERE seller_id = 's1'")
    return {(r["marketplace"], r["marketplace_order_id"]): dict(r) for r in rows}


async def _events(pool: asyncpg.Pool) -> list[dict[str, Any]]:
    async with pool.acquire() as conn:
        rows = await conn.fetch("SELECT payload FROM outbox ORDER BY id")
    events = [json.loads(row["payload"]) for row in rows]
    return [e for e in events if e["event_type"] == "OrderCollected"]


async def _collected(pool: asyncpg.Pool) -> Counter[tuple[str, str]]:
    found: Counter[tuple[str, str]] = Counter()
    for event in await _events(pool):
        order = event["order"]
        found[(order["marketplace"], order["marketplace_order_id"])] += 1
    return found


def _expected(market: RunningSimulator) -> set[tuple[str, str]]:
    boxes = {("COUPANG", str(b)) for a in market.sim.boxes.values() for b in a}
    naver = {("NAVER", p) for a in market.sim.product_orders.values() for p in a}
    lines = [line for a in market.sim.elevenst_lines.values() for line in a.values()]
    return boxes | naver | {("ELEVENST", line.dlv_no) for line in lines}


@pytest.mark.parametrize("api_first", [True, False])
async def test_an_order_collected_by_api_and_uploaded_from_its_file_is_one_order(
    new_schema: Any, market: RunningSimulator, http: httpx.AsyncClient, api_first: bool
) -> None:
    pool = await new_schema(MIGRATIONS)
    accounts = await open_accounts(pool, market)
    expected = _expected(market)
    assert {m for m, _ in expected} == set(MARKETPLACES)
    if api_first:
        await collect(pool, market, http)
    uploads = [await _upload(pool, market, http, m, a) for m, a in accounts.items()]
    if not api_first:
        await collect(pool, market, http)
    assert [u["source"] for u in uploads] == ["COUPANG_WING", "NAVER_SMARTSTORE", "ELEVENST"]
    assert sum(u["orders"] for u in uploads) == len(expected)
    assert sum(u["created"] for u in uploads) == (0 if api_first else len(expected))
    orders = await _orders(pool)
    assert set(orders) == expected
    assert {o["source"] for o in orders.values()} == {"API" if api_first else "EXCEL"}
    collected = await _collected(pool)
    assert set(collected) == expected and set(collected.values()) == {1}


async def test_cancelled_rows_are_skipped_and_a_protected_file_needs_its_password(
    new_schema: Any, market: RunningSimulator, http: httpx.AsyncClient
) -> None:
    pool = await new_schema(MIGRATIONS)
    accounts = await open_accounts(pool, market)
    po = next(iter(market.sim.product_orders[accounts["NAVER"]].values()))
    market.sim.cancel_naver(po)
    box = next(iter(market.sim.boxes[accounts["COUPANG"]].values()))
    coupang_state.cancel(box, None, None)
    eleven = list(market.sim.elevenst_lines[accounts["ELEVENST"]].values())
    dlv_no = eleven[0].dlv_no
    for line in eleven:
        if line.dlv_no == dlv_no:
            elevenst_state.cancel(line, datetime.now(UTC))
    response = await http.get(f"{market.url}/_sim/files/NAVER/{accounts['NAVER']}.xlsx?password=x")
    async with unit_of_work(pool) as uow:
        with pytest.raises(excel.FileRejected, match="password-protected"):
            await excel.register_file(uow, "s1", response.content, datetime.now(UTC))
    naver = await _upload(pool, market, http, "NAVER", accounts["NAVER"])
    coupang = await _upload(pool, market, http, "COUPANG", accounts["COUPANG"])
    elevenst = await _upload(pool, market, http, "ELEVENST", accounts["ELEVENST"])
    assert {s["order"] for s in elevenst["skipped"]} == {dlv_no}
    assert all(
        s["reason"].startswith("주문상태: not awaiting shipment on 11st (주문상태: 주문취소")
        for s in elevenst["skipped"]
    )
    assert [(s["order"], s["reason"][:8]) for s in naver["skipped"]] == [
        (po.product_order_id, "주문상태: no")
    ]
    assert {s["order"] for s in coupang["skipped"]} == {str(box.shipment_box_id)}
    orders = await _orders(pool)
    assert ("NAVER", po.product_order_id) not in orders
    assert ("COUPANG", str(box.shipment_box_id)) not in orders
    assert ("ELEVENST", dlv_no) not in orders
    assert len(orders) == len(_expected(market)) - 3


def _api_ids(market: RunningSimulator) -> dict[tuple[str, str], list[tuple[str, str, str]]]:
    """(marketplace, order id) -> each line's (line id, listing id, option id) as the API
    adapters read them from the simulator's state."""
    found: dict[tuple[str, str], list[tuple[str, str, str]]] = {}
    for boxes in market.sim.boxes.values():
        for box in boxes.values():
            found[("COUPANG", str(box.shipment_box_id))] = [
                (i.vendor_item_id, i.seller_product_id, i.vendor_item_id) for i in box.items
            ]
    for orders in market.sim.product_orders.values():
        for po in orders.values():
            ids = (po.product_order_id, po.product_id, po.option_code)
            found[("NAVER", po.product_order_id)] = [ids]
    for lines in market.sim.elevenst_lines.values():
        for n in lines.values():
            ids = (f"{n.ord_no}-{n.ord_prd_seq}", n.prd_no, n.prd_stck_no)
            found.setdefault(("ELEVENST", n.dlv_no), []).append(ids)
    return found


async def test_ids_a_file_lacks_are_taken_from_earlier_api_orders_of_the_same_options(
    new_schema: Any, market: RunningSimulator, http: httpx.AsyncClient
) -> None:
    """Orders collected by API teach the options; orders placed later, uploaded from files
    without 업체상품 아이디 (Coupang), 옵션코드 (Naver) or a stock number (11st), get the API's
    listing and option ids where the option was seen, the file's stand-in where not."""
    pool = await new_schema(MIGRATIONS)
    market.sim.null_share = 0.0  # every API row names its ids
    accounts = await open_accounts(pool, market, count=12)
    await collect(pool, market, http)
    first = _api_ids(market)
    seen = {(m, listing, option) for (m, _), lines in first.items() for _, listing, option in lines}
    place(market, accounts, 12, seed=99)
    later = {key: lines for key, lines in _api_ids(market).items() if key not in first}
    assert {m for m, _ in later} == set(MARKETPLACES)
    drops = {"COUPANG": "업체상품 아이디"}
    answers = {
        m: await _upload(pool, market, http, m, accounts[m], drop=drops.get(m, ""))
        for m in MARKETPLACES
    }
    files = {
        (e["order"]["marketplace"], e["order"]["marketplace_order_id"]): e
        for e in await _events(pool)
        if e["source"] == "EXCEL"
    }
    assert set(files) == set(later)  # the earlier orders were duplicates
    learned: Counter[str] = Counter()
    by_text: Counter[str] = Counter()
    for (marketplace, order_id), lines in later.items():
        got = {
            li["line_id"]: (li["listing_id"], li["option_id"])
            for li in files[(marketplace, order_id)]["lines"]
        }
        for line_id, listing, option in lines:
            if (marketplace, listing, option) in seen:
                learned[marketplace] += 1
                assert got[line_id] == (listing, option), (marketplace, order_id)
            else:
                by_text[marketplace] += 1
                assert got[line_id] != (listing, option), (marketplace, order_id)
    for m in MARKETPLACES:
        assert learned[m] > 0, m
        assert answers[m]["ids_from_api_orders"] == learned[m]
        assert answers[m]["ids_from_file_text"] == by_text[m]
