"""The scheduled 상태 불일치 check on PostgreSQL against the simulator over real HTTP: two
replicas scheduling it at once read the marketplaces once between them, not again before the
interval has passed, and Coupang is read in listings of 50 boxes (by status and order date)
instead of one call per box, still finding what changed."""

import asyncio
from collections import Counter
from datetime import timedelta
from typing import Any

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


def _calls(market: RunningSimulator) -> Counter[tuple[str, str]]:
    return Counter((c.marketplace, c.operation) for c in market.sim.calls)


async def test_two_replicas_check_once_per_interval_reading_coupang_in_listings(
    new_schema: Any, market: RunningSimulator, http: httpx.AsyncClient
) -> None:
    pool = await new_schema(MIGRATIONS, prefix="mmsched")
    accounts, orders = await collect_orders(pool, market, http, 60)
    await consume(pool, [shipped_event(o, tracking_number(n)) for n, o in enumerate(orders)])
    gateways = gateways_for(market, http)
    await push_all(Pusher(lambda: pool, gateways.pusher_for))
    coupang = [o.order for o in orders if o.order.marketplace.value == "COUPANG"]
    assert len(coupang) > 12  # more boxes than the listings' calls
    returned = coupang[0].marketplace_order_id
    answer = await http.post(
        f"{market.url}/_sim/orders/COUPANG/{accounts['COUPANG']}/{returned}/return"
    )
    assert answer.status_code == 200
    replicas = [
        Checker(lambda: pool, gateways.status_reader_for, interval=timedelta(hours=1))
        for _ in range(2)
    ]
    before = _calls(market)

    await asyncio.gather(*(r.check_all() for r in replicas))

    calls = _calls(market) - before
    assert calls[("NAVER", "query")] == 1  # one replica read Naver, once
    assert calls[("COUPANG", "ordersheet")] == 0  # no box read one at a time
    # six statuses, one 31-day window, pages of 50: far fewer calls than boxes
    assert 6 <= calls[("COUPANG", "ordersheets")] < len(coupang)
    async with unit_of_work(pool) as uow:
        found = await mismatches.listed(uow, SELLER, True, None, 1000, 0)
    assert {(m.marketplace_order_id, m.kind) for m in found} == {
        (returned, MismatchKind.CANCELLED_AFTER_SHIPPING)
    }

    # the next ticks, of either replica, come before the interval has passed: nothing is read
    again = _calls(market)
    await asyncio.gather(*(r.check_all() for r in replicas))
    assert _calls(market) == again
