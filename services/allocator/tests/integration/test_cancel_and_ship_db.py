"""Stock follows what happened, in every order a cancellation and a shipment arrive in:
on_hand = initial − shipped, to the unit, and nothing stays reserved for a finished order."""

from typing import Any

from packline_allocator.bootstrap import MIGRATIONS
from packline_allocator.service_layer import use_cases
from packline_contracts import (
    CancellationDecided,
    CancellationOutcome,
    Event,
    OrderCancelled,
    OrderCollected,
    Shipped,
    ShippedOrder,
    SkuLine,
)
from packline_launcher.testing import bundle, collected, matched
from packline_runtime.unit_of_work import unit_of_work

NUMBER = "300000000006"


async def _allocated_order(pool: Any) -> tuple[OrderCollected, Any]:
    """Stock A = 5; one order needing 2 of A, allocated (reserved 2)."""
    order = collected(1)
    box = bundle(matched(order, {"A": 2}))
    async with unit_of_work(pool) as uow:
        await use_cases.set_stock(uow, "s1", {"A": 5})
        await use_cases.handle_events(uow, [box])
    assert await _stock(pool) == (5, 2)
    return order, box


def _cancel(order: OrderCollected) -> OrderCancelled:
    return OrderCancelled(**order.follow_up(), order=order.order, recipient_key=order.recipient_key)


def _decided(cancel: OrderCancelled, outcome: CancellationOutcome) -> CancellationDecided:
    return CancellationDecided(
        **cancel.follow_up(),
        order=cancel.order,
        recipient_key=cancel.recipient_key,
        outcome=outcome,
        tracking_number=NUMBER if outcome == "TOO_LATE" else None,
    )


def _shipped(box: Any, order: OrderCollected) -> Shipped:
    return Shipped(
        **box.follow_up(),
        bundle_id=box.bundle_id,
        courier_code="CJGLS",
        tracking_number=NUMBER,
        shipped_at=order.paid_at,
        orders=(ShippedOrder(order=order.order, line_ids=("1",)),),
        stock_out=(SkuLine(sku="A", quantity=2),),
    )


async def _feed(pool: Any, *events: Event) -> None:
    for event in events:  # one transaction each, as separate batches would be
        async with unit_of_work(pool) as uow:
            await use_cases.handle_events(uow, [event])


async def _stock(pool: Any) -> tuple[int, int]:
    row = await pool.fetchrow("SELECT on_hand, allocated FROM stock WHERE sku = 'A'")
    return row["on_hand"], row["allocated"]


async def _finished(pool: Any) -> tuple[str, str, int]:
    row = await pool.fetchrow(
        """
        SELECT o.status AS order_status, b.status AS bundle_status,
               (SELECT count(*) FROM reservations) AS reservations
        FROM bundle_orders o JOIN bundles b USING (bundle_id)
        """
    )
    return row["order_status"], row["bundle_status"], row["reservations"]


async def test_a_cancel_heard_before_the_shipment_still_takes_the_shipped_units_out(
    new_schema: Any,
) -> None:
    """The cancel lost the race at the shipper (TOO_LATE) but reached the allocator first."""
    pool = await new_schema(MIGRATIONS, prefix="acs")
    order, box = await _allocated_order(pool)
    cancel = _cancel(order)

    await _feed(pool, cancel, _shipped(box, order), _decided(cancel, "TOO_LATE"))
    await _feed(pool, _shipped(box, order))  # a replayed fact with a new id changes nothing

    assert await _stock(pool) == (3, 0)
    assert await _finished(pool) == ("SHIPPED", "SHIPPED", 0)


async def test_a_cancel_after_the_shipment_puts_no_stock_back(new_schema: Any) -> None:
    pool = await new_schema(MIGRATIONS, prefix="acs")
    order, box = await _allocated_order(pool)
    cancel = _cancel(order)

    await _feed(pool, _shipped(box, order), cancel, _decided(cancel, "TOO_LATE"))

    assert await _stock(pool) == (3, 0)
    assert await _finished(pool) == ("SHIPPED", "SHIPPED", 0)


async def test_an_order_released_by_its_cancellation_that_ships_anyway_leaves_on_hand_once(
    new_schema: Any,
) -> None:
    """Released already (no reservation left to release twice), yet the units left the building."""
    pool = await new_schema(MIGRATIONS, prefix="acs")
    order, box = await _allocated_order(pool)
    cancel = _cancel(order)

    await _feed(pool, cancel, _decided(cancel, "CANCELLED"))
    assert await _stock(pool) == (5, 0)
    await _feed(pool, _shipped(box, order), _shipped(box, order))

    assert await _stock(pool) == (3, 0)
    assert await _finished(pool) == ("SHIPPED", "SHIPPED", 0)


async def test_an_allocated_order_keeps_its_stock_until_the_shipper_decides_the_cancel(
    new_schema: Any,
) -> None:
    pool = await new_schema(MIGRATIONS, prefix="acs")
    order, _ = await _allocated_order(pool)
    cancel = _cancel(order)

    await _feed(pool, cancel)
    assert await _stock(pool) == (5, 2)  # its parcel may be on the scanner right now
    await _feed(pool, _decided(cancel, "CANCELLED"))

    assert await _stock(pool) == (5, 0)
    assert await _finished(pool) == ("CANCELLED", "CANCELLED", 0)


async def test_a_cancel_that_shrinks_a_waiting_bundle_lets_the_rest_take_the_stock_at_once(
    new_schema: Any,
) -> None:
    pool = await new_schema(MIGRATIONS, prefix="acs")
    leaving, staying = collected(1), collected(2)
    box = bundle(matched(leaving, {"A": 2}), matched(staying, {"A": 2}))
    async with unit_of_work(pool) as uow:
        await use_cases.set_stock(uow, "s1", {"A": 2})
        await use_cases.handle_events(uow, [box])
    assert await _stock(pool) == (2, 0)  # needs 4: waits

    await _feed(pool, _cancel(leaving))

    assert await _stock(pool) == (2, 2)
    assert await pool.fetchval("SELECT status FROM bundles") == "ALLOCATED"
