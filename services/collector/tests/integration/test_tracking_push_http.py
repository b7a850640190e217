"""송장 전송 through the running collector: Shipped arrives on the embedded broker, the pusher
loop pushes to the simulator over HTTP, and a person lists the lines, sees the CS case of a line
cancelled at the marketplace, retries one or all failed lines, and reads pushed counts on /stats."""

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
import uvicorn
from aiokafka import AIOKafkaProducer
from pydantic import SecretStr

from packline_collector.bootstrap import CollectorSettings, create_app
from packline_contracts import (
    Marketplace,
    OrderRef,
    Shipped,
    ShippedOrder,
    SkuLine,
    Topic,
    new_event_id,
)
from packline_launcher.testing_tokens import TestTokens
from packline_marketsim.generator import generate
from packline_marketsim.server import RunningSimulator, running
from packline_marketsim.state import Simulator

SELLER = "push-1"


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


@pytest.fixture
async def stack(
    database_url: str, kafka_bootstrap: str, secrets_key: str, service_tokens: TestTokens
) -> AsyncIterator[tuple[httpx.AsyncClient, RunningSimulator]]:
    async with running(Simulator(seed=13)) as market:
        settings = CollectorSettings(
            database_url=database_url,
            kafka_bootstrap=kafka_bootstrap,
            secrets_key=SecretStr(secrets_key),
            collect_tick_seconds=3600,
            push_tick_seconds=0.2,
            marketplace_backoff_seconds=0.05,
            marketplace_allowed_hosts=market.url.removeprefix("http://"),
        )
        async with (
            _serve(settings) as url,
            httpx.AsyncClient(
                base_url=url, timeout=30, headers=service_tokens.headers(SELLER)
            ) as http,
        ):
            yield http, market


async def _json(response: httpx.Response, status: int) -> Any:
    assert response.status_code == status, response.text[:1000]
    return response.json()


async def _until(what: str, check: Callable[[], Awaitable[bool]]) -> None:
    deadline = asyncio.get_running_loop().time() + 60
    while not await check():
        assert asyncio.get_running_loop().time() < deadline, f"{what}: not within 60s"
        await asyncio.sleep(0.1)


async def _collect(http: httpx.AsyncClient, market: RunningSimulator) -> tuple[str, str]:
    coupang, naver = market.sim.add_coupang(), market.sim.add_naver()
    for order in generate(10, seed=21, repeat_share=0):
        market.sim.place(
            order, coupang.vendor_id if order.marketplace == "COUPANG" else naver.client_id
        )
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
                "/accounts", json={"seller_id": SELLER, "base_url": market.url, **body}
            ),
            201,
        )
    start = (datetime.now(UTC) - timedelta(days=1)).isoformat()
    job = await _json(
        await http.post("/collections", json={"seller_id": SELLER, "period_from": start}), 202
    )

    async def finished() -> bool:
        return bool((await _json(await http.get(job["poll"]), 200))["status"] != "RUNNING")

    await _until("collection", finished)
    return coupang.vendor_id, naver.client_id


def _shipments(market: RunningSimulator, vendor_id: str, client_id: str) -> list[Shipped]:
    """One parcel per order the simulator holds, as the shipper reports it."""
    units = [
        (Marketplace.COUPANG, str(b.shipment_box_id), tuple(str(i.vendor_item_id) for i in b.items))
        for b in market.sim.boxes[vendor_id].values()
    ] + [(Marketplace.NAVER, po_id, (po_id,)) for po_id in market.sim.product_orders[client_id]]
    shipped = []
    for n, (marketplace, order_id, lines) in enumerate(units):
        ref = OrderRef(seller_id=SELLER, marketplace=marketplace, marketplace_order_id=order_id)
        parcel = uuid.uuid4()
        shipped.append(
            Shipped(
                seller_id=SELLER,
                correlation_id=new_event_id(),
                bundle_id=parcel,
                parcel_id=parcel,
                courier_code="HANJIN",
                tracking_number=f"51{n:010d}",
                shipped_at=datetime.now(UTC),
                orders=(ShippedOrder(order=ref, line_ids=lines),),
                stock_out=(SkuLine(sku="A", quantity=1),),
            )
        )
    return shipped


async def test_pushes_are_listed_retried_and_counted_through_the_running_collector(
    stack: tuple[httpx.AsyncClient, RunningSimulator], kafka_bootstrap: str
) -> None:
    http, market = stack
    vendor_id, client_id = await _collect(http, market)
    box = next(iter(market.sim.boxes[vendor_id].values()))
    cancel = f"{market.url}/_sim/orders/COUPANG/{vendor_id}/{box.shipment_box_id}/cancel"
    async with httpx.AsyncClient() as buyer:  # the buyer cancels before the push
        assert (await buyer.post(cancel)).status_code == 200
    shipped = _shipments(market, vendor_id, client_id)
    producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap)
    await producer.start()
    try:
        for event in shipped:
            await producer.send_and_wait(
                Topic.SHIPPED.value,
                event.model_dump_json().encode(),
                key=str(event.bundle_id).encode(),
            )
    finally:
        await producer.stop()
    lines = sum(len(o.line_ids) for e in shipped for o in e.orders)

    async def listed(**params: str) -> list[dict[str, Any]]:
        page = await _json(
            await http.get(
                "/tracking-pushes", params={"seller_id": SELLER, "limit": 500, **params}
            ),
            200,
        )
        items: list[dict[str, Any]] = page["items"]
        return items

    async def settled() -> bool:
        found = await listed()
        return len(found) == lines and all(p["state"] != "PENDING" for p in found)

    await _until("every line pushed", settled)
    failed = await listed(state="FAILED")
    assert {p["marketplace_order_id"] for p in failed} == {str(box.shipment_box_id)}
    assert {p["result_code"] for p in failed} == {"ORDER_DELIVERY_CANCELED"}
    attention = await _json(await http.get("/orders-attention", params={"seller_id": SELLER}), 200)
    assert any(
        a["kind"] == "CANCELLED_AT_MARKETPLACE" and str(box.shipment_box_id) in a["order"]
        for a in attention["items"]
    )

    stats = await _json(await http.get("/stats"), 200)
    sent = len(await listed(state="SENT"))
    assert stats["pushed_coupang_sent"] + stats["pushed_naver_sent"] == sent
    assert stats["pushed_coupang_failed"] == len(failed) and stats["pushed_naver_pending"] == 0

    line = failed[0]
    retry = f"/tracking-pushes/COUPANG/{line['marketplace_order_id']}/{line['line_id']}/retry"
    again = await _json(await http.post(retry, params={"seller_id": SELLER}), 200)
    assert again["state"] == "PENDING"
    any_sent = (await listed(state="SENT"))[0]
    not_failed = await http.post(
        f"/tracking-pushes/{any_sent['marketplace']}/{any_sent['marketplace_order_id']}/"
        f"{any_sent['line_id']}/retry",
        params={"seller_id": SELLER},
    )
    assert not_failed.status_code == 409 and "only FAILED" in not_failed.text
    elsewhere = await http.post(retry, params={"seller_id": "someone-else"})
    assert elsewhere.status_code == 404
    assert (
        await http.get("/tracking-pushes", params={"seller_id": SELLER, "state": "DONE"})
    ).status_code == 422

    async def failed_again() -> bool:
        return len(await listed(state="FAILED")) == len(failed)

    await _until("the retried line answered again", failed_again)
    bulk = await _json(await http.post("/tracking-pushes/retry", params={"seller_id": SELLER}), 200)
    assert bulk == {"requeued": 0}  # a CS case is not retried in bulk
    ok = [p for p in market.sim.pushes if p.result_code == "OK"]
    assert len(ok) == sent == len({(p.order_id, p.line_id) for p in ok})
