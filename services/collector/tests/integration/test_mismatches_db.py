"""상태 불일치 on PostgreSQL against the marketplace simulator over real HTTP: orders collected,
shipped and pushed; then the marketplace changes some of them (a buyer's return, an invoice
withdrawn back to INSTRUCT, a number corrected by hand). The check reports each with its kind,
resolves those the marketplace agrees with again, and the day's reconciliation counts them."""

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import httpx

from packline_collector.bootstrap import MIGRATIONS
from packline_collector.domain.mismatch import MismatchKind
from packline_collector.service_layer import mismatches
from packline_collector.service_layer.mismatches import Checker
from packline_collector.service_layer.push import Pusher
from packline_marketsim.server import RunningSimulator
from packline_runtime.unit_of_work import unit_of_work

from .pushing import (
    SELLER,
    collect_orders,
    consume,
    gateways_for,
    push_all,
    shipped_event,
    tracking_number,
)


async def _sim(http: httpx.AsyncClient, url: str, body: dict[str, Any] | None = None) -> None:
    answer = await http.post(url, json=body)
    assert answer.status_code == 200, answer.text


async def test_a_marketplace_changing_shipped_orders_is_reported_and_resolved_when_it_agrees(
    new_schema: Any, market: RunningSimulator, http: httpx.AsyncClient
) -> None:
    pool = await new_schema(MIGRATIONS, prefix="mismatch")
    accounts, orders = await collect_orders(pool, market, http, 12)
    numbers = {o.order.marketplace_order_id: tracking_number(n) for n, o in enumerate(orders)}
    await consume(pool, [shipped_event(o, numbers[o.order.marketplace_order_id]) for o in orders])
    gateways = gateways_for(market, http)
    await push_all(Pusher(lambda: pool, gateways.pusher_for))
    checker = Checker(lambda: pool, gateways.status_reader_for)

    first = await checker.check(SELLER)  # the marketplaces agree with every line
    assert first.open == 0 and first.unanswered == 0 and first.checked > 0

    coupang = [o.order for o in orders if o.order.marketplace.value == "COUPANG"]
    naver = [o.order for o in orders if o.order.marketplace.value == "NAVER"]
    base = f"{market.url}/_sim/orders"
    c_return, c_back, n_return, n_other = coupang[0], coupang[1], naver[0], naver[1]
    for ref in (c_return, n_return):  # the buyer asks to return what we shipped
        m = ref.marketplace.value
        await _sim(http, f"{base}/{m}/{accounts[m]}/{ref.marketplace_order_id}/return")
    # the invoice withdrawn in WING: the box is back to INSTRUCT without a number
    await _sim(
        http,
        f"{base}/COUPANG/{accounts['COUPANG']}/{c_back.marketplace_order_id}/status",
        {"status": "INSTRUCT", "tracking_number": ""},
    )
    # a number corrected by hand at Naver
    await _sim(
        http,
        f"{base}/NAVER/{accounts['NAVER']}/{n_other.marketplace_order_id}/status",
        {"tracking_number": "699999999999"},
    )

    second = await checker.check(SELLER)
    assert second.unanswered == 0
    async with unit_of_work(pool) as uow:
        found = await mismatches.listed(uow, SELLER, True, None, 1000, 0)
    kinds = {(m.marketplace_order_id, m.kind) for m in found}
    assert kinds == {
        (c_return.marketplace_order_id, MismatchKind.CANCELLED_AFTER_SHIPPING),
        (n_return.marketplace_order_id, MismatchKind.CANCELLED_AFTER_SHIPPING),
        (c_back.marketplace_order_id, MismatchKind.SHIPPED_NOT_AT_MARKETPLACE),
        (n_other.marketplace_order_id, MismatchKind.NUMBER_DIFFERS),
    }
    differs = next(m for m in found if m.kind is MismatchKind.NUMBER_DIFFERS)
    assert differs.marketplace_tracking_number == "699999999999"
    assert differs.our_tracking_number == numbers[n_other.marketplace_order_id]
    back = next(m for m in found if m.kind is MismatchKind.SHIPPED_NOT_AT_MARKETPLACE)
    assert back.marketplace_status == "INSTRUCT"

    # the seller puts our numbers back: a later check agrees and resolves those two
    await _sim(
        http,
        f"{base}/COUPANG/{accounts['COUPANG']}/{c_back.marketplace_order_id}/status",
        {"status": "DEPARTURE", "tracking_number": numbers[c_back.marketplace_order_id]},
    )
    await _sim(
        http,
        f"{base}/NAVER/{accounts['NAVER']}/{n_other.marketplace_order_id}/status",
        {"tracking_number": numbers[n_other.marketplace_order_id]},
    )
    third = await checker.check(SELLER)
    resolved_lines = sum(
        m.marketplace_order_id in {c_back.marketplace_order_id, n_other.marketplace_order_id}
        for m in found
    )
    assert third.resolved == resolved_lines
    async with unit_of_work(pool) as uow:
        still = await mismatches.listed(uow, SELLER, True, None, 1000, 0)
        every = await mismatches.listed(uow, SELLER, False, None, 1000, 0)
        today = datetime.now(UTC).astimezone(ZoneInfo("Asia/Seoul")).date()
        day = await mismatches.reconciliation(uow, SELLER, today)
    assert {m.marketplace_order_id for m in still} == {
        c_return.marketplace_order_id,
        n_return.marketplace_order_id,
    }
    assert len(every) == len(found)
    assert all(m.resolved_at for m in every if m not in still)

    by_marketplace = {d.marketplace: d for d in day}
    assert set(by_marketplace) == {"COUPANG", "NAVER"}
    for m, refs in (("COUPANG", coupang), ("NAVER", naver)):
        d = by_marketplace[m]
        lines = [line for o in orders if o.order in refs for line in o.lines]
        assert d.collected == len(refs)
        assert d.shipped == d.pushed_sent == len(lines) and d.pushed_failed == 0
        assert sum(d.mismatched.values()) == sum(1 for x in every if x.marketplace == m)
        assert d.mismatched_open == sum(1 for x in still if x.marketplace == m)
    assert (await checker.check(SELLER)).resolved == 0  # nothing changed since
