"""송장 전송 on PostgreSQL against the marketplace simulator over real HTTP: orders collected from
the simulator, shipped (or numbered for 가배송), pushed by the background pusher: every line once,
with a 5xx and a 429 retried on the way, idempotent re-push, a line cancelled at the marketplace
becoming a CS case, and orders registered by hand being NOT_APPLICABLE."""

import asyncio
from collections import Counter
from typing import Any

import httpx

from packline_collector.adapters import order_changes_repository as changes
from packline_collector.bootstrap import MIGRATIONS
from packline_collector.domain.orders import NewOrder
from packline_collector.domain.push import PushState
from packline_collector.service_layer import push, use_cases
from packline_collector.service_layer.push import Pusher
from packline_contracts import (
    OrderCollected,
)
from packline_marketsim.server import RunningSimulator
from packline_runtime.unit_of_work import unit_of_work

from .pushing import (
    SELLER,
    collect_orders,
    consume,
    gateways_for,
    issued_event,
    ok_pushes,
    push_all,
    push_lines,
    shipped_event,
    tracking_number,
)


async def test_every_shipped_line_reaches_its_marketplace_once_past_a_5xx_and_a_429(
    new_schema: Any, market: RunningSimulator, http: httpx.AsyncClient
) -> None:
    pool = await new_schema(MIGRATIONS, prefix="push")
    accounts, orders = await collect_orders(pool, market, http, 16)
    await http.post(
        f"{market.url}/_sim/script",
        json={
            "rules": [
                {"action": "server_error", "marketplace": "COUPANG", "operation": "invoices"},
                {
                    "action": "rate_limit",
                    "marketplace": "NAVER",
                    "operation": "dispatch",
                    "retry_after": 0,
                },
            ]
        },
    )
    # a GS편의점 parcel: CVSNET in Packline and at Naver, CVS at Coupang
    couriers = {o.order.uid: "CVSNET" if n == 0 else "CJGLS" for n, o in enumerate(orders)}
    await consume(
        pool,
        [shipped_event(o, tracking_number(n), couriers[o.order.uid]) for n, o in enumerate(orders)],
    )

    pusher = Pusher(lambda: pool, gateways_for(market, http).pusher_for)
    await push_all(pusher)

    lines = await push_lines(pool)
    expected = {(o.order.marketplace_order_id, line.line_id) for o in orders for line in o.lines}
    assert set(lines) == expected
    assert {v.state for v in lines.values()} == {PushState.SENT}
    assert ok_pushes(market) == Counter(expected)  # each line once
    statuses = Counter((c.marketplace, c.operation, c.status) for c in market.sim.calls)
    assert statuses[("COUPANG", "invoices", 503)] == 1 and statuses[("NAVER", "dispatch", 429)] == 1
    first = orders[0]
    [sent] = [p for p in market.sim.pushes if p.order_id == first.order.marketplace_order_id][:1]
    assert sent.courier_code == ("CVS" if first.order.marketplace == "COUPANG" else "CVSNET")
    # a re-read shows the number: Coupang boxes left INSTRUCT, Naver orders are DELIVERING
    boxes = market.sim.boxes[accounts["COUPANG"]].values()
    naver = market.sim.product_orders[accounts["NAVER"]].values()
    assert {b.status for b in boxes if b.invoice_number} == {"DEPARTURE"}
    assert {po.status for po in naver if po.delivery} == {"DELIVERING"}


async def test_a_line_already_sent_is_not_sent_again_and_a_lost_answer_counts_as_sent(
    new_schema: Any, market: RunningSimulator, http: httpx.AsyncClient
) -> None:
    pool = await new_schema(MIGRATIONS, prefix="push")
    _, orders = await collect_orders(pool, market, http, 8)
    shipped = [shipped_event(o, tracking_number(n)) for n, o in enumerate(orders)]
    await consume(pool, shipped)
    pusher = Pusher(lambda: pool, gateways_for(market, http).pusher_for)
    await push_all(pusher)
    first = ok_pushes(market)

    # the same parcels shipped again (a replayed event, a second scan): nothing to push
    await consume(pool, [shipped_event(o, tracking_number(n)) for n, o in enumerate(orders)])
    assert await push_all(pusher) == 0
    # a pusher that crashed after the marketplace took the numbers, before recording it: once
    # its lease ran out the lines are pushed again, the marketplaces refuse a second upload,
    # and the re-read shows our number
    async with pool.acquire() as conn:
        await conn.execute(
            "UPDATE tracking_pushes SET state = 'PENDING', sent_at = NULL, next_attempt_at = now()"
        )
    assert await push_all(pusher) == len(await push_lines(pool))

    lines = await push_lines(pool)
    assert {v.state for v in lines.values()} == {PushState.SENT}, [
        (v.marketplace, v.result_code, v.result_message)
        for v in lines.values()
        if v.state != PushState.SENT
    ]
    assert {v.result_code for v in lines.values()} <= {
        "NOT_ALLOW_INVOICE_NUMBER_RE_UPLOAD",
        "INVALID_STATUS",
    }
    assert ok_pushes(market) == first  # the marketplaces accepted each line once


async def test_a_line_cancelled_at_the_marketplace_becomes_a_cs_case_not_a_retry_loop(
    new_schema: Any, market: RunningSimulator, http: httpx.AsyncClient
) -> None:
    pool = await new_schema(MIGRATIONS, prefix="push")
    accounts, orders = await collect_orders(pool, market, http, 12)
    by_marketplace = {o.order.marketplace.value: o for o in orders}
    cancelled = [by_marketplace["COUPANG"], by_marketplace["NAVER"]]
    for order in cancelled:  # the buyer cancels after collection, before the push
        m = order.order.marketplace.value
        answer = await http.post(
            f"{market.url}/_sim/orders/{m}/{accounts[m]}/{order.order.marketplace_order_id}/cancel"
        )
        assert answer.status_code == 200, answer.text
    await consume(pool, [shipped_event(o, tracking_number(n)) for n, o in enumerate(orders)])
    pusher = Pusher(lambda: pool, gateways_for(market, http).pusher_for)
    await push_all(pusher)

    lines = await push_lines(pool)
    gone = {o.order.marketplace_order_id for o in cancelled}
    failed = {k: v for k, v in lines.items() if k[0] in gone}
    assert {v.state for v in failed.values()} == {PushState.FAILED}
    assert {v.result_code for v in failed.values()} == {
        "ORDER_DELIVERY_CANCELED",
        "CANCEL_REQUESTED",
    }
    assert all(v.cancelled_at_marketplace and v.result_message for v in failed.values())
    assert {v.state for k, v in lines.items() if k[0] not in gone} == {PushState.SENT}
    async with pool.acquire() as conn:
        cases = await changes.attention(conn, SELLER)
    assert {c["order"] for c in cases if c["kind"] == "CANCELLED_AT_MARKETPLACE"} == {
        o.order.uid for o in cancelled
    }
    # no retry loop: nothing is due again, and "retry all failed" leaves CS cases alone
    assert await push_all(pusher) == 0
    async with unit_of_work(pool) as uow:
        assert await push.retry_failed(uow, SELLER) == 0


async def test_a_pre_shipment_number_is_pushed_when_issued_and_not_again_when_shipped(
    new_schema: Any, market: RunningSimulator, http: httpx.AsyncClient
) -> None:
    pool = await new_schema(MIGRATIONS, prefix="push")
    _, orders = await collect_orders(pool, market, http, 6)
    early, later = orders[0], orders[1]
    # 가배송 for one parcel; the other seller setting keeps its number until the scan
    await consume(
        pool,
        [
            issued_event(early, tracking_number(1), True),
            issued_event(later, tracking_number(2), False),
        ],
    )
    pusher = Pusher(lambda: pool, gateways_for(market, http).pusher_for)
    await push_all(pusher)

    lines = await push_lines(pool)
    assert {k[0] for k in lines} == {early.order.marketplace_order_id}
    assert all(v.state is PushState.SENT and v.pre_shipment for v in lines.values())
    pushed = ok_pushes(market)
    assert set(pushed) == {(early.order.marketplace_order_id, x.line_id) for x in early.lines}

    await consume(
        pool, [shipped_event(early, tracking_number(1)), shipped_event(later, tracking_number(2))]
    )
    await push_all(pusher)
    after = ok_pushes(market)
    assert {k: n for k, n in after.items() if k[0] == early.order.marketplace_order_id} == pushed
    assert {k[0] for k in after} == {
        early.order.marketplace_order_id,
        later.order.marketplace_order_id,
    }


async def test_an_order_registered_by_hand_is_not_applicable_and_never_pushed(
    new_schema: Any, market: RunningSimulator, http: httpx.AsyncClient
) -> None:
    pool = await new_schema(MIGRATIONS, prefix="push")
    order = NewOrder.model_validate(
        {
            "seller_id": SELLER,
            "marketplace": "COUPANG",
            "marketplace_order_id": "900000000000000001",
            "ordered_at": "2026-11-28T09:00:00+09:00",
            "paid_at": "2026-11-28T09:01:00+09:00",
            "recipient": {
                "name": "김하나",
                "address1": "서울 중구 세종대로 110",
                "mobile": "01012345678",
            },
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
    async with unit_of_work(pool) as uow:
        await use_cases.register_orders(uow, [order], source="EXCEL")
        [collected] = uow.emitted
    assert isinstance(collected, OrderCollected)
    await consume(pool, [shipped_event(collected, tracking_number(7))])

    assert await push_all(Pusher(lambda: pool, gateways_for(market, http).pusher_for)) == 0
    [line] = (await push_lines(pool)).values()
    assert line.state is PushState.NOT_APPLICABLE
    assert market.sim.pushes == []


async def test_two_pushers_at_once_push_each_line_once(
    new_schema: Any, market: RunningSimulator, http: httpx.AsyncClient
) -> None:
    pool = await new_schema(MIGRATIONS, prefix="push")
    _, orders = await collect_orders(pool, market, http, 16)
    await consume(pool, [shipped_event(o, tracking_number(n)) for n, o in enumerate(orders)])
    replicas = [
        Pusher(lambda: pool, gateways_for(market, http).pusher_for, lines_per_tick=3)
        for _ in (1, 2)
    ]
    await asyncio.gather(*(push_all(p) for p in replicas))

    lines = await push_lines(pool)
    assert {v.state for v in lines.values()} == {PushState.SENT}
    every_call = Counter((p.order_id, p.line_id) for p in market.sim.pushes)
    assert set(every_call) == set(lines) and set(every_call.values()) == {1}


async def test_a_marketplace_still_unavailable_after_the_retries_leaves_lines_for_later(
    new_schema: Any, market: RunningSimulator, http: httpx.AsyncClient
) -> None:
    pool = await new_schema(MIGRATIONS, prefix="push")
    _, orders = await collect_orders(pool, market, http, 6)
    naver = [o for o in orders if o.order.marketplace.value == "NAVER"]
    await consume(pool, [shipped_event(o, tracking_number(n)) for n, o in enumerate(naver)])
    await http.post(
        f"{market.url}/_sim/script",
        json={
            "rules": [
                {"action": "server_error", "operation": "dispatch", "status": 502, "times": 99}
            ]
        },
    )
    assert await push_all(Pusher(lambda: pool, gateways_for(market, http).pusher_for)) == len(naver)

    lines = await push_lines(pool)
    assert {(v.state, v.attempts, v.result_code) for v in lines.values()} == {
        (PushState.PENDING, 1, "UNAVAILABLE")
    }
    assert all("502" in v.result_message for v in lines.values())
    async with pool.acquire() as conn:
        due_later = await conn.fetchval(
            "SELECT bool_and(next_attempt_at > now() + interval '20 seconds') FROM tracking_pushes"
        )
    assert due_later and market.sim.pushes == []


async def test_an_order_collected_before_order_numbers_were_kept_reads_its_order_id_first(
    new_schema: Any, market: RunningSimulator, http: httpx.AsyncClient
) -> None:
    pool = await new_schema(MIGRATIONS, prefix="push")
    _, orders = await collect_orders(pool, market, http, 6)
    coupang = [o for o in orders if o.order.marketplace.value == "COUPANG"]
    async with pool.acquire() as conn:
        kept = await conn.fetchval("SELECT count(*) FROM order_marketplace_numbers")
        await conn.execute("DELETE FROM order_marketplace_numbers")
    assert kept == len(coupang)  # the orderId of every collected box was kept
    await consume(pool, [shipped_event(o, tracking_number(n)) for n, o in enumerate(coupang)])
    reads_before = sum(c.operation == "ordersheet" for c in market.sim.calls)

    await push_all(Pusher(lambda: pool, gateways_for(market, http).pusher_for))

    assert {v.state for v in (await push_lines(pool)).values()} == {PushState.SENT}
    reads = sum(c.operation == "ordersheet" for c in market.sim.calls) - reads_before
    assert reads == len(coupang)  # one read per box, not per line
