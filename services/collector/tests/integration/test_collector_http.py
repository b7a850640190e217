"""The collector's HTTP API as a seller's console uses it, on PostgreSQL and the embedded
broker, collecting from the simulator: accounts with masked keys, a manual collection job
polled to its end, Excel upload from the downloaded template, today's counts, batch delete."""

import asyncio
import contextlib
import io
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
import uvicorn
from openpyxl import load_workbook

from packline_collector.bootstrap import CollectorSettings, create_app
from packline_marketsim.generator import generate
from packline_marketsim.server import RunningSimulator, running
from packline_marketsim.state import Simulator


@contextlib.asynccontextmanager
async def _serve(settings: CollectorSettings) -> AsyncIterator[str]:
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings), host="127.0.0.1", port=0, log_level="warning")
    )
    task = asyncio.create_task(server.serve())
    deadline = asyncio.get_running_loop().time() + 60
    while not server.started:
        assert not task.done(), "the collector stopped during startup"
        assert asyncio.get_running_loop().time() < deadline, "the collector did not start in 60s"
        await asyncio.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{server.servers[0].sockets[0].getsockname()[1]}"
    finally:
        server.should_exit = True
        await task


@pytest.fixture(scope="module")
async def stack(
    database_url: str, kafka_bootstrap: str
) -> AsyncIterator[tuple[str, RunningSimulator]]:
    settings = CollectorSettings(
        database_url=database_url,
        kafka_bootstrap=kafka_bootstrap,
        collect_tick_seconds=3600,
        marketplace_backoff_seconds=0.05,
    )
    async with running(Simulator(seed=7)) as market, _serve(settings) as url:
        yield url, market


async def _json(response: httpx.Response, status: int) -> Any:
    assert response.status_code == status, response.text[:1000]
    return response.json()


async def test_accounts_keep_their_keys_to_themselves(stack: tuple[str, RunningSimulator]) -> None:
    url, market = stack
    coupang = market.sim.add_coupang()
    body = {
        "seller_id": "http-1",
        "marketplace": "COUPANG",
        "name": "쿠팡",
        "vendor_id": coupang.vendor_id,
        "access_key": coupang.access_key,
        "secret_key": coupang.secret_key,
        "base_url": market.url,
    }
    async with httpx.AsyncClient(base_url=url, timeout=30) as http:
        shown = await _json(await http.post("/accounts", json=body), 201)
        listed = (await http.get("/accounts", params={"seller_id": "http-1"})).text
        incomplete = await _json(
            await http.post("/accounts", json={**body, "secret_key": "", "vendor_id": "A1"}), 422
        )
        duplicate = await http.post("/accounts", json=body)
    assert shown["secret_key"] == "********" and shown["access_key"].endswith("****")
    assert coupang.secret_key not in listed and coupang.access_key not in listed
    assert "secret_key" in str(incomplete) and coupang.access_key not in str(incomplete)
    assert duplicate.status_code == 409


async def test_a_manual_collection_is_a_job_polled_to_its_end(
    stack: tuple[str, RunningSimulator],
) -> None:
    url, market = stack
    coupang, naver = market.sim.add_coupang(), market.sim.add_naver()
    for order in generate(40, seed=11):
        market.sim.place(
            order, coupang.vendor_id if order.marketplace == "COUPANG" else naver.client_id
        )
    expected = len(market.sim.boxes[coupang.vendor_id]) + len(
        market.sim.product_orders[naver.client_id]
    )
    async with httpx.AsyncClient(base_url=url, timeout=30) as http:
        for body in (
            {
                "marketplace": "COUPANG",
                "name": "쿠팡",
                "vendor_id": coupang.vendor_id,
                "access_key": coupang.access_key,
                "secret_key": coupang.secret_key,
            },
            {
                "marketplace": "NAVER",
                "name": "네이버",
                "client_id": naver.client_id,
                "client_secret": naver.client_secret,
            },
        ):
            await _json(
                await http.post(
                    "/accounts", json={"seller_id": "http-2", "base_url": market.url, **body}
                ),
                201,
            )
        start = (datetime.now(UTC) - timedelta(days=1)).isoformat()
        job = await _json(
            await http.post("/collections", json={"seller_id": "http-2", "period_from": start}), 202
        )
        deadline = asyncio.get_running_loop().time() + 60
        while (found := await _json(await http.get(job["poll"]), 200))["status"] == "RUNNING":
            assert asyncio.get_running_loop().time() < deadline, found
            await asyncio.sleep(0.1)
        nobody = await http.post("/collections", json={"seller_id": "nobody", "period_from": start})
        today = await _json(
            await http.get("/orders/registered-today", params={"seller_id": "http-2"}), 200
        )
    assert (found["status"], found["created"], found["accounts_done"]) == ("SUCCEEDED", expected, 2)
    assert nobody.status_code == 422 and "POST /accounts" in nobody.text
    assert sum(today["by_marketplace"].values()) == expected


async def test_excel_from_the_template_registers_counts_and_deletes_as_a_batch(
    stack: tuple[str, RunningSimulator],
) -> None:
    url, _ = stack
    async with httpx.AsyncClient(base_url=url, timeout=30) as http:
        template = await http.get("/orders/excel/template")
        book = load_workbook(io.BytesIO(template.content))
        sheet = book.worksheets[0]
        headers = [c.value for c in sheet[1]]
        row = {
            "판매처": "11번가",
            "주문번호": "20261128000123",
            "수취인명": "이서연",
            "수취인 연락처": "010-2222-3333",
            "우편번호": "48059",
            "주소": "부산광역시 해운대구 센텀중앙로 79",
            "상품명": "제주 감귤 3kg",
            "수량": 2,
            "금액": 49000,
        }
        sheet.append([row.get(str(h)) for h in headers])
        out = io.BytesIO()
        book.save(out)
        created = await _json(
            await http.post(
                "/orders/excel", params={"seller_id": "http-3"}, content=out.getvalue()
            ),
            201,
        )
        sheet.append([{**row, "주문번호": "5.21853E+11"}.get(str(h)) for h in headers])
        bad = io.BytesIO()
        book.save(bad)
        rejected = await _json(
            await http.post(
                "/orders/excel", params={"seller_id": "http-3"}, content=bad.getvalue()
            ),
            422,
        )
        today = await _json(
            await http.get("/orders/registered-today", params={"seller_id": "http-3"}), 200
        )
        deleted = await _json(
            await http.delete(f"/orders/excel/batches/{created['batch_id']}"), 200
        )
        after = await _json(
            await http.get("/orders/registered-today", params={"seller_id": "http-3"}), 200
        )
    assert str(sheet.cell(row=1, column=1).value) == "판매처"
    assert created["created"] == 1
    assert rejected["rows"] == [
        {"row": 3, "column": "주문번호", "problem": rejected["rows"][0]["problem"]}
    ]
    assert today["by_marketplace"] == {"ELEVENST": 1}
    assert deleted["deleted"] == 1 and after["by_marketplace"] == {}
