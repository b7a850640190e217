"""A number that changes after it was pushed, and a cancel after a 가배송 push, on PostgreSQL
against the marketplace simulator over real HTTP: Coupang gets the invoice update, Naver (no
documented change call) a CS case until a person changes it there; a cancelled order's lines
are never pushed again and a number the marketplace holds for it is a CS case, once."""

from collections import Counter
from typing import Any

import httpx

from packline_collector.adapters import order_changes_repository as changes
from packline_collector.bootstrap import MIGRATIONS
from packline_collector.domain.push import LineKey, PushState
from packline_collector.service_layer import push, use_cases
from packline_collector.service_layer.push import Pusher
from packline_contracts import CancellationDecided, OrderCollected
from packline_contracts.events.order_cancelled import CancelledLine
from packline_marketsim.server import RunningSimulator
from packline_runtime.unit_of_work import unit_of_work

from .pushing import (
    SELLER,
    collect_orders,
    consume,
    gateways_for,
    issued_event,
    push_all,
    push_lines,
    shipped_event,
    tracking_number,
)

NUMBER_CHANGE_BY_HAND = "TRACKING_NUMBER_CHANGE_BY_HAND"  # order_attention kinds (CS)
PUSHED_BUT_CANCELLED = "PUSHED_BUT_CANCELLED"


def _one_each(orders: list[OrderCollected]) -> dict[str, OrderCollected]:
    return {o.order.marketplace.value: o for o in orders}


def _decided(order: OrderCollected) -> CancellationDecided:
    return CancellationDecided(
        **order.follow_up(),
        order=order.order,
        recipient_key=order.recipient_key,
        outcome="CANCELLED",
    )


async def _cases(pool: Any, kind: str) -> Counter[str]:
    async with pool.acquire() as conn:
        found = await changes.attention(conn, SELLER)
    return Counter(a["order"] for a in found if a["kind"] == kind)


async def test_a_sent_number_replaced_later_is_updated_at_coupang_and_asked_of_a_person_at_naver(
    new_schema: Any, market: RunningSimulator, http: httpx.AsyncClient
) -> None:
    pool = await new_schema(MIGRATIONS, prefix="pushupd")
    accounts, orders = await collect_orders(pool, market, http, 6)
    chosen = _one_each(orders)
    coupang, naver = chosen["COUPANG"], chosen["NAVER"]
    pusher = Pusher(lambda: pool, gateways_for(market, http).pusher_for)
    first, second = tracking_number(1), tracking_number(2)
    await consume(pool, [issued_event(o, first, True) for o in chosen.values()])  # 가배송
    await push_all(pusher)
    # the parcel is re-issued with another number (relabel, replacement)
    await consume(pool, [issued_event(o, second, True) for o in chosen.values()])
    lines = await push_lines(pool)
    assert {(v.state, v.tracking_number, v.marketplace_number) for v in lines.values()} == {
        (PushState.PENDING, second, first)
    }

    await push_all(pusher)
    # the scan ships it with the same number, and the batch is replayed: nothing more is sent
    await consume(pool, [shipped_event(o, second) for o in chosen.values()])
    await consume(pool, [issued_event(o, second, True) for o in chosen.values()])
    assert await push_all(pusher) == 0

    lines = await push_lines(pool)
    box = coupang.order.marketplace_order_id
    coupang_lines = {k: v for k, v in lines.items() if k[0] == box}
    assert {(v.state, v.marketplace_number) for v in coupang_lines.values()} == {
        (PushState.SENT, second)
    }
    sim_box = market.sim.boxes[accounts["COUPANG"]][int(box)]
    assert {i.invoice_number for i in sim_box.items} == {second}
    calls = Counter((p.call, p.tracking_number) for p in market.sim.pushes if p.result_code == "OK")
    assert calls[("updateInvoices", second)] == len(coupang_lines)  # each line updated once
    assert calls[("invoices", second)] == 0

    po = naver.order.marketplace_order_id
    [naver_line] = [v for k, v in lines.items() if k[0] == po]
    assert naver_line.state is PushState.FAILED
    assert (
        naver_line.result_code == "NUMBER_CHANGE_BY_HAND" and naver_line.marketplace_number == first
    )
    assert (await _cases(pool, NUMBER_CHANGE_BY_HAND)) == Counter({naver.order.uid: 1})
    assert market.sim.product_orders[accounts["NAVER"]][po].delivery["trackingNumber"] == first

    # a person changes it in the seller centre and retries the line: it is SENT, not re-sent
    await http.post(
        f"{market.url}/_sim/orders/NAVER/{accounts['NAVER']}/{po}/status",
        json={"tracking_number": second},
    )
    async with unit_of_work(pool) as uow:
        await push.retry_one(uow, LineKey(SELLER, "NAVER", po, naver_line.line_id))
    dispatches = sum(1 for p in market.sim.pushes if p.call == "dispatch")
    await push_all(pusher)
    [naver_line] = [v for k, v in (await push_lines(pool)).items() if k[0] == po]
    assert (naver_line.state, naver_line.marketplace_number) == (PushState.SENT, second)
    assert sum(1 for p in market.sim.pushes if p.call == "dispatch") == dispatches


async def test_a_cancel_after_a_pre_shipment_push_is_a_cs_case_once_and_nothing_is_pushed_again(
    new_schema: Any, market: RunningSimulator, http: httpx.AsyncClient
) -> None:
    pool = await new_schema(MIGRATIONS, prefix="pushcxl")
    _, orders = await collect_orders(pool, market, http, 8)
    chosen = _one_each(orders)
    waiting = next(o for o in orders if o not in chosen.values())
    pusher = Pusher(lambda: pool, gateways_for(market, http).pusher_for)
    await consume(
        pool, [issued_event(o, tracking_number(n), True) for n, o in enumerate(chosen.values())]
    )
    await push_all(pusher)
    await consume(pool, [issued_event(waiting, tracking_number(7), True)])  # not pushed yet

    cancelled = [*chosen.values(), waiting]
    for _ in range(2):  # the shipper's decision, and its replay
        async with unit_of_work(pool) as uow:
            await use_cases.note_progress(uow, [_decided(o) for o in cancelled])
    # a number issued after the cancel (a late label) is never pushed either
    await consume(
        pool, [issued_event(o, tracking_number(20 + n), True) for n, o in enumerate(cancelled)]
    )
    pushes_before = len(market.sim.pushes)
    assert await push_all(pusher) == 0
    assert len(market.sim.pushes) == pushes_before

    lines = await push_lines(pool)
    gone = {o.order.marketplace_order_id for o in cancelled}
    assert {v.state for k, v in lines.items() if k[0] in gone} == {PushState.CANCELLED}
    held = await _cases(pool, PUSHED_BUT_CANCELLED)
    # one case per line the marketplace holds a number for, not for the unpushed order
    assert held == Counter(o.order.uid for o in chosen.values() for _ in o.lines)


async def test_a_new_number_for_an_invoice_withdrawn_by_hand_is_uploaded_again(
    new_schema: Any, market: RunningSimulator, http: httpx.AsyncClient
) -> None:
    pool = await new_schema(MIGRATIONS, prefix="pushwd")
    accounts, orders = await collect_orders(pool, market, http, 4)
    coupang = _one_each(orders)["COUPANG"]
    box = coupang.order.marketplace_order_id
    pusher = Pusher(lambda: pool, gateways_for(market, http).pusher_for)
    await consume(pool, [issued_event(coupang, tracking_number(1), True)])
    await push_all(pusher)
    # the seller withdraws the invoice in WING (the box is back to INSTRUCT, no number), and
    # the parcel gets another number: there is nothing to update, so the upload is the call
    answer = await http.post(
        f"{market.url}/_sim/orders/COUPANG/{accounts['COUPANG']}/{box}/status",
        json={"status": "INSTRUCT", "tracking_number": ""},
    )
    assert answer.status_code == 200
    await consume(pool, [issued_event(coupang, tracking_number(2), True)])

    await push_all(pusher)

    lines = [v for k, v in (await push_lines(pool)).items() if k[0] == box]
    assert {(v.state, v.marketplace_number) for v in lines} == {
        (PushState.SENT, tracking_number(2))
    }
    sim_box = market.sim.boxes[accounts["COUPANG"]][int(box)]
    assert {i.invoice_number for i in sim_box.items} == {tracking_number(2)}
    assert sim_box.status == "DEPARTURE"


async def test_a_partial_cancel_that_took_effect_leaves_the_orders_pushes_alone(
    new_schema: Any, market: RunningSimulator, http: httpx.AsyncClient
) -> None:
    """부분취소 after a 가배송 push: the rest of the order still ships, so its lines stay pushed
    and no 'pushed but cancelled' case is opened."""
    pool = await new_schema(MIGRATIONS, prefix="pushpart")
    _, orders = await collect_orders(pool, market, http, 4)
    order = orders[0]
    pusher = Pusher(lambda: pool, gateways_for(market, http).pusher_for)
    await consume(pool, [issued_event(order, tracking_number(3), True)])  # 가배송
    await push_all(pusher)
    partial = _decided(order).model_copy(
        update={"lines": (CancelledLine(line_id=order.lines[0].line_id, quantity=1),)}
    )
    async with unit_of_work(pool) as uow:
        await use_cases.note_progress(uow, [partial])
    await consume(pool, [shipped_event(order, tracking_number(3))])
    await push_all(pusher)
    lines = await push_lines(pool)
    mine = {v.state for k, v in lines.items() if k[0] == order.order.marketplace_order_id}
    assert mine == {PushState.SENT}
    assert await _cases(pool, PUSHED_BUT_CANCELLED) == Counter()
