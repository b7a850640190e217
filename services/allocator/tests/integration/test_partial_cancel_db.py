"""부분취소 in stock: an order holding no stock shrinks at once; an order holding a reservation
keeps it until the shipper's CANCELLED answer, then releases exactly those units, once; TOO_LATE
releases nothing; Shipped takes out exactly what shipped. on_hand = initial − shipped, to the
unit, in every order the scan, the cancel and the answers meet (docs/adr/0003)."""

import itertools
from typing import Any

import pytest

from packline_allocator.bootstrap import MIGRATIONS
from packline_allocator.service_layer import use_cases
from packline_contracts import (
    CancellationDecided,
    CancellationOutcome,
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


def _decided(cancel: OrderCancelled, outcome: CancellationOutcome) -> CancellationDecided:
    return CancellationDecided(
        **cancel.follow_up(),
        order=cancel.order,
        recipient_key=cancel.recipient_key,
        outcome=outcome,
        tracking_number="300000000006" if outcome == "TOO_LATE" else None,
        lines=cancel.lines,
    )


def _shipped(box: Any, order: OrderCollected, **contents: int) -> Shipped:
    """The parcel's contents as the shipper scanned them out (after units cancelled before)."""
    return Shipped(
        **box.follow_up(),
        bundle_id=box.bundle_id,
        courier_code="CJGLS",
        tracking_number="300000000006",
        shipped_at=order.paid_at,
        orders=(ShippedOrder(order=order.order, line_ids=("1", "2")),),
        stock_out=tuple(SkuLine(sku=k, quantity=q) for k, q in sorted(contents.items())),
    )


async def _allocated(pool: Any) -> tuple[OrderCollected, Any]:
    order, one = _order()
    box = bundle(one)
    async with unit_of_work(pool) as uow:
        await use_cases.set_stock(uow, "s1", {"A": 10, "B": 10, "C": 10})
    await _feed(pool, box)
    assert await _stock(pool) == {"A": (10, 3), "B": (10, 6), "C": (10, 1)}
    return order, box


async def test_an_allocated_order_keeps_its_units_until_the_shipper_answers_cancelled(
    new_schema: Any,
) -> None:
    pool = await new_schema(MIGRATIONS, prefix="apart")
    order, box = await _allocated(pool)
    first, second = _partial(order, **{"1": 1}), _partial(order, **{"1": 2})

    await _feed(pool, first)
    assert await _stock(pool) == {"A": (10, 3), "B": (10, 6), "C": (10, 1)}  # on the scanner?
    await _feed(pool, _decided(first, "CANCELLED"))
    assert await _stock(pool) == {"A": (10, 2), "B": (10, 4), "C": (10, 1)}
    await _feed(pool, _decided(first, "CANCELLED"))  # the same answer again changes nothing
    assert await _stock(pool) == {"A": (10, 2), "B": (10, 4), "C": (10, 1)}
    await _feed(pool, second, _decided(second, "CANCELLED"))
    assert await _stock(pool) == {"A": (10, 0), "B": (10, 0), "C": (10, 1)}

    await _feed(pool, _shipped(box, order, C=1))  # the rest of the order still ships
    assert await _stock(pool) == {"A": (10, 0), "B": (10, 0), "C": (9, 0)}
    assert await pool.fetchval("SELECT status FROM bundle_orders") == "SHIPPED"


async def test_an_answer_that_overtakes_its_cancel_is_applied_once(new_schema: Any) -> None:
    pool = await new_schema(MIGRATIONS, prefix="apart")
    order, _ = await _allocated(pool)
    cancel = _partial(order, **{"1": 1})
    await _feed(pool, _decided(cancel, "CANCELLED"), cancel)
    assert await _stock(pool) == {"A": (10, 2), "B": (10, 4), "C": (10, 1)}


async def test_a_partial_cancel_heard_before_its_bundle_is_never_reserved_nor_applied_twice(
    new_schema: Any,
) -> None:
    pool = await new_schema(MIGRATIONS, prefix="apart")
    order, one = _order()
    cancel = _partial(order, **{"1": 2})
    async with unit_of_work(pool) as uow:
        await use_cases.set_stock(uow, "s1", {"A": 10, "B": 10, "C": 10})
    await _feed(pool, cancel, bundle(one))
    assert await _stock(pool) == {"A": (10, 1), "B": (10, 2), "C": (10, 1)}
    assert await pool.fetchval("SELECT status FROM bundle_orders") == "LIVE"
    await _feed(pool, _decided(cancel, "CANCELLED"))  # applied early: its answer changes nothing
    assert await _stock(pool) == {"A": (10, 1), "B": (10, 2), "C": (10, 1)}


async def test_a_waiting_order_shrinks_at_once(new_schema: Any) -> None:
    pool = await new_schema(MIGRATIONS, prefix="apart")
    order, one = _order()
    cancel = _partial(order, **{"1": 1})
    async with unit_of_work(pool) as uow:
        await use_cases.set_stock(uow, "s1", {"A": 2, "B": 4, "C": 0})
    await _feed(pool, bundle(one))
    assert await _stock(pool) == {"A": (2, 0), "B": (4, 0), "C": (0, 0)}  # waits for C
    await _feed(pool, cancel, _decided(cancel, "CANCELLED"))
    async with unit_of_work(pool) as uow:
        await use_cases.set_stock(uow, "s1", {"C": 1})
    assert await _stock(pool) == {"A": (2, 2), "B": (4, 4), "C": (1, 1)}  # 2 units, once


@pytest.mark.parametrize("winner", ["scan", "cancel"])
@pytest.mark.parametrize("arrival", list(itertools.permutations(range(3))))
async def test_on_hand_is_exact_whoever_wins_and_in_whatever_order_the_facts_arrive(
    new_schema: Any, winner: str, arrival: tuple[int, ...]
) -> None:
    """The shipper decides a partial cancel against the scan under the parcel's lock: the scan
    first ships the whole box (the cancel is TOO_LATE); the cancel first takes a unit out of
    the box before it ships. The allocator hears the cancel, the answer and Shipped in any
    order (the cancel and its answer never overtake each other's meaning)."""
    pool = await new_schema(MIGRATIONS, prefix="apart")
    order, box = await _allocated(pool)
    cancel = _partial(order, **{"1": 1})
    if winner == "scan":
        facts = [cancel, _decided(cancel, "TOO_LATE"), _shipped(box, order, A=3, B=6, C=1)]
    else:
        facts = [cancel, _decided(cancel, "CANCELLED"), _shipped(box, order, A=2, B=4, C=1)]

    await _feed(pool, *(facts[i] for i in arrival))

    shipped = {"A": 3, "B": 6, "C": 1} if winner == "scan" else {"A": 2, "B": 4, "C": 1}
    assert await _stock(pool) == {sku: (10 - q, 0) for sku, q in shipped.items()}
    assert await pool.fetchval("SELECT count(*) FROM reservations") == 0


async def test_a_partial_cancel_after_the_shipment_puts_nothing_back(new_schema: Any) -> None:
    pool = await new_schema(MIGRATIONS, prefix="apart")
    order, box = await _allocated(pool)
    cancel = _partial(order, **{"1": 1})
    await _feed(pool, _shipped(box, order, A=3, B=6, C=1), cancel, _decided(cancel, "TOO_LATE"))
    assert await _stock(pool) == {"A": (7, 0), "B": (4, 0), "C": (9, 0)}
