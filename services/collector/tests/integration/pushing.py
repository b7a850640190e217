"""Orders collected from the marketplace simulator the way the service does, shipped, and pushed:
the setting of the tracking-push and mismatch tests."""

import asyncio
import json
import os
import uuid
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import asyncpg
import httpx

from packline_collector.adapters import push_views
from packline_collector.adapters.http_retry import RetryPolicy
from packline_collector.adapters.marketplaces import Gateways
from packline_collector.domain.accounts import NewAccount
from packline_collector.domain.endpoints import EndpointPolicy
from packline_collector.domain.push import PushView
from packline_collector.service_layer import account_keys, use_cases
from packline_collector.service_layer.collection import Collection
from packline_collector.service_layer.push import Pusher
from packline_contracts import (
    BundleMember,
    MatchedLine,
    OrderCollected,
    Shipped,
    ShippedOrder,
    SkuLine,
    WaybillIssued,
)
from packline_marketsim.generator import generate
from packline_marketsim.server import RunningSimulator
from packline_runtime.secret_box import SecretBox
from packline_runtime.unit_of_work import unit_of_work

BOX = SecretBox(os.urandom(32))
FAST = RetryPolicy(attempts=3, base_delay=0.05, max_delay=1.0)
SELLER = "s1"


def gateways_for(market: RunningSimulator, http: httpx.AsyncClient) -> Gateways:
    return Gateways(
        http, FAST, EndpointPolicy.from_setting(market.url.removeprefix("http://")), BOX
    )


async def collect_orders(
    pool: asyncpg.Pool, market: RunningSimulator, http: httpx.AsyncClient, count: int
) -> tuple[dict[str, str], list[OrderCollected]]:
    """Accounts on the simulator, `count` generated orders collected the way the service does."""
    coupang, naver = market.sim.add_coupang(), market.sim.add_naver()
    for order in generate(count, seed=count, spacing=timedelta(seconds=30), repeat_share=0):
        market.sim.place(
            order, coupang.vendor_id if order.marketplace == "COUPANG" else naver.client_id
        )
    async with pool.acquire() as conn:
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
                "name": "스마트스토어",
                "client_id": naver.client_id,
                "client_secret": naver.client_secret,
            },
        ):
            await account_keys.add_account(
                conn, BOX, NewAccount.model_validate({"seller_id": SELLER, **body}), market.url
            )
    collection = Collection(lambda: pool, gateways_for(market, http).for_account)
    now = datetime.now(UTC)
    job_id = await collection.start_manual(
        SELLER, ["COUPANG", "NAVER"], now - timedelta(days=2), now
    )
    deadline = asyncio.get_running_loop().time() + 60
    while True:
        async with pool.acquire() as conn:
            status = await conn.fetchval(
                "SELECT status FROM collection_jobs WHERE job_id = $1", job_id
            )
        if status != "RUNNING":
            break
        assert asyncio.get_running_loop().time() < deadline, "collection did not finish in 60s"
        await asyncio.sleep(0.05)
    async with pool.acquire() as conn:
        rows = await conn.fetch("SELECT payload FROM outbox WHERE event_type = 'OrderCollected'")
    orders = [OrderCollected.model_validate(json.loads(r["payload"])) for r in rows]
    assert orders, "nothing was collected"
    return {"COUPANG": coupang.vendor_id, "NAVER": naver.client_id}, orders


def tracking_number(n: int) -> str:
    return f"6{n:011d}"


def shipped_event(order: OrderCollected, number: str, courier: str = "CJGLS") -> Shipped:
    parcel = uuid.uuid5(uuid.NAMESPACE_URL, order.order.uid)
    return Shipped(
        **order.follow_up(),
        bundle_id=parcel,
        parcel_id=parcel,
        courier_code=courier,
        tracking_number=number,
        shipped_at=datetime.now(UTC),
        orders=(
            ShippedOrder(order=order.order, line_ids=tuple(line.line_id for line in order.lines)),
        ),
        stock_out=(SkuLine(sku="A", quantity=1),),
    )


def issued_event(order: OrderCollected, number: str, pre_shipment: bool) -> WaybillIssued:
    parcel = uuid.uuid5(uuid.NAMESPACE_URL, order.order.uid)
    member = BundleMember(
        order=order.order,
        paid_at=order.paid_at,
        amount_krw=sum(line.amount_krw for line in order.lines),
        lines=order.lines,
        matched_lines=tuple(
            MatchedLine(line_id=line.line_id, skus=(SkuLine(sku="A", quantity=line.quantity),))
            for line in order.lines
        ),
    )
    return WaybillIssued(
        **order.follow_up(),
        bundle_id=parcel,
        parcel_id=parcel,
        courier_code="CJGLS",
        tracking_number=number,
        issued_via="BAND",
        pre_shipment_push=pre_shipment,
        recipient=order.recipient,
        members=(member,),
    )


async def consume(pool: asyncpg.Pool, events: Sequence[Shipped | WaybillIssued]) -> None:
    """What the subscriber does with a batch of these events, in one transaction."""
    async with unit_of_work(pool) as uow:
        await use_cases.note_progress(uow, events)


async def push_all(pusher: Pusher) -> int:
    """Ticks of the background loop until no line is due."""
    tried = 0
    deadline = asyncio.get_running_loop().time() + 60
    while done := await pusher.push_due():
        tried += done
        assert asyncio.get_running_loop().time() < deadline, "pushes still due after 60s"
    return tried


async def push_lines(pool: asyncpg.Pool) -> dict[tuple[str, str], PushView]:
    async with pool.acquire() as conn:
        views = await push_views.listed(conn, SELLER, None, None, 1000, 0)
    return {(v.marketplace_order_id, v.line_id): v for v in views}


def ok_pushes(market: RunningSimulator) -> Counter[tuple[str, str]]:
    return Counter((p.order_id, p.line_id) for p in market.sim.pushes if p.result_code == "OK")
