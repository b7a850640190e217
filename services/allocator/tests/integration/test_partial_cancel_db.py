"""부분취소 in stock: exactly the cancelled units are released (or never reserved), the rest of
the order still ships, and units that shipped are never put back."""

from typing import Any

from packline_allocator.bootstrap import MIGRATIONS
from packline_allocator.service_layer import use_cases
from packline_contracts import (
    CancelledLine,
    Event,
    MatchedLine,
    OrderCancelled,
    OrderCollected,
    OrderMatched,
    Shipped,
    ShippedOrder,
    SkuLine,
)
from packline_launcher.testing import bundle, collected, line
from packline_runtime.unit_of_work import unit_of_work


def _order() -> tuple[OrderCollected, OrderMatched]:
    """Line 1: 3 units of a set of A + 2 B each; line 2: 1 unit of C."""
    order = collected(1, line(line_id="1", quantity=3), line(line_id="2", quantity=1))
    return order, OrderMatched(
        **order.follow_up(),
        order=order.order,
        recipient_key=order.recipient_key,
        paid_at=order.paid_at,
        recipient=order.recipient,
        lines=order.lines,
        matched_lines=(
            MatchedLine(
                line_id="1", skus=(SkuLine(sku="A", quantity=3), SkuLine(sku="B", quantity=6))
            ),
            MatchedLine(line_id="2", skus=(SkuLine(sku="C", quantity=1),)),
        ),
    )


def _partial(order: OrderCollected, **units: int) -> OrderCancelled:
    return OrderCancelled(
        **order.follow_up(),
        order=order.order,
        recipient_key=order.recipient_key,
        source="MARKETPLACE_CLAIM",
        lines=tuple(CancelledLine(line_id=k, quantity=q) for k, q in units.items()),
    )


async def _feed(pool: Any, *events: Event) -> None:
    for event in events:
        async with unit_of_work(pool) as uow:
            await use_cases.handle_events(uow, [event])


async def _stock(pool: Any) -> dict[str, tuple[int, int]]:
    rows = await pool.fetch("SELECT sku, on_hand, allocated FROM stock ORDER BY sku")
    return {r["sku"]: (r["on_hand"], r["allocated"]) for r in rows}


def _shipped(box: Any, order: OrderCollected) -> Shipped:
    return Shipped(
        **box.follow_up(),
        bundle_id=box.bundle_id,
        courier_code="CJGLS",
        tracking_number="300000000006",
        shipped_at=order.paid_at,
        orders=(ShippedOrder(order=order.order, line_ids=("2",)),),
        stock_out=(SkuLine(sku="C", quantity=1),),
    )


async def test_an_allocated_order_releases_exactly_the_cancelled_units(new_schema: Any) -> None:
    pool = await new_schema(MIGRATIONS, prefix="apart")
    order, one = _order()
    box = bundle(one)
    async with unit_of_work(pool) as uow:
        await use_cases.set_stock(uow, "s1", {"A": 10, "B": 10, "C": 10})
    await _feed(pool, box)
    assert await _stock(pool) == {"A": (10, 3), "B": (10, 6), "C": (10, 1)}

    await _feed(pool, _partial(order, **{"1": 1}))
    assert await _stock(pool) == {"A": (10, 2), "B": (10, 4), "C": (10, 1)}
    await _feed(pool, _partial(order, **{"1": 2}))
    assert await _stock(pool) == {"A": (10, 0), "B": (10, 0), "C": (10, 1)}

    await _feed(pool, _shipped(box, order))  # the rest of the order still ships
    assert await _stock(pool) == {"A": (10, 0), "B": (10, 0), "C": (9, 0)}
    status = await pool.fetchval("SELECT status FROM bundle_orders")
    assert status == "SHIPPED"


async def test_a_partial_cancel_heard_before_its_bundle_is_never_reserved(new_schema: Any) -> None:
    pool = await new_schema(MIGRATIONS, prefix="apart")
    order, one = _order()
    async with unit_of_work(pool) as uow:
        await use_cases.set_stock(uow, "s1", {"A": 10, "B": 10, "C": 10})
    await _feed(pool, _partial(order, **{"1": 2}), bundle(one))
    assert await _stock(pool) == {"A": (10, 1), "B": (10, 2), "C": (10, 1)}
    assert await pool.fetchval("SELECT status FROM bundle_orders") == "LIVE"


async def test_a_partial_cancel_after_the_shipment_puts_nothing_back(new_schema: Any) -> None:
    pool = await new_schema(MIGRATIONS, prefix="apart")
    order, one = _order()
    box = bundle(one)
    async with unit_of_work(pool) as uow:
        await use_cases.set_stock(uow, "s1", {"A": 10, "B": 10, "C": 10})
    await _feed(pool, box, _shipped(box, order), _partial(order, **{"1": 1}))
    assert await _stock(pool) == {"A": (7, 0), "B": (4, 0), "C": (9, 0)}
