"""취소 from the console on PostgreSQL: the answer is "requested", never a premature
"cancelled"; the order becomes CANCELLED, or SHIPPED with a return case, when the shipper says."""

from typing import Any

from packline_collector.adapters import order_changes_repository as changes
from packline_collector.adapters import orders_repository as repo
from packline_collector.bootstrap import MIGRATIONS
from packline_collector.domain.orders import NewOrder
from packline_collector.service_layer import use_cases
from packline_contracts import (
    CancellationDecided,
    CancellationOutcome,
    OrderCancelled,
    Shipped,
    ShippedOrder,
    SkuLine,
)
from packline_runtime.unit_of_work import unit_of_work


def _order(number: int) -> NewOrder:
    return NewOrder.model_validate(
        {
            "seller_id": "s1",
            "marketplace": "NAVER",
            "marketplace_order_id": f"202611280000{number:04d}",
            "ordered_at": "2026-11-28T09:00:00",
            "paid_at": "2026-11-28T09:05:00",
            "recipient": {
                "name": "이서연",
                "mobile": "010-2222-3333",
                "address1": "부산 해운대구 1",
            },
            "lines": [
                {
                    "line_id": "1",
                    "listing_id": "L",
                    "quantity": 1,
                    "unit_price_krw": 9900,
                    "amount_krw": 9900,
                }
            ],
        }
    )


async def _registered_and_cancelled(pool: Any, order: NewOrder) -> OrderCancelled:
    async with unit_of_work(pool) as uow:
        await use_cases.register_orders(uow, [order], source="MANUAL")
    async with unit_of_work(pool) as uow:
        request = await use_cases.cancel_order(uow, order.ref, "buyer asked", source="CONSOLE")
    assert request.event is not None
    return request.event


def _decided(cancel: OrderCancelled, outcome: CancellationOutcome) -> CancellationDecided:
    return CancellationDecided(
        **cancel.follow_up(),
        order=cancel.order,
        recipient_key=cancel.recipient_key,
        outcome=outcome,
        tracking_number="300000000006" if outcome == "TOO_LATE" else None,
    )


async def _status(pool: Any, order: NewOrder) -> str:
    async with pool.acquire() as conn:
        row = await repo.get(conn, order.ref)
    assert row is not None
    return str(row["status"])


async def test_a_cancel_is_answered_requested_until_the_shipper_decides(new_schema: Any) -> None:
    pool = await new_schema(MIGRATIONS, prefix="ccan")
    order = _order(1)
    async with unit_of_work(pool) as uow:
        await use_cases.register_orders(uow, [order], source="MANUAL")
    async with unit_of_work(pool) as uow:
        first = await use_cases.cancel_order(uow, order.ref, "", source="CONSOLE")
        again = await use_cases.cancel_order(uow, order.ref, "", source="CONSOLE")

    assert (first.status, again.status) == ("CANCEL_REQUESTED", "CANCEL_REQUESTED")
    assert isinstance(first.event, OrderCancelled) and again.event is None  # sent once
    assert await _status(pool, order) == "CANCEL_REQUESTED"

    async with unit_of_work(pool) as uow:
        await use_cases.note_progress(uow, [_decided(first.event, "CANCELLED")])
    assert await _status(pool, order) == "CANCELLED"


async def test_a_cancel_that_came_too_late_leaves_the_order_shipped_with_a_return_case(
    new_schema: Any,
) -> None:
    pool = await new_schema(MIGRATIONS, prefix="ccan")
    order = _order(2)
    cancel = await _registered_and_cancelled(pool, order)
    shipped = Shipped(
        **cancel.follow_up(),
        bundle_id=cancel.event_id,
        courier_code="CJGLS",
        tracking_number="300000000006",
        shipped_at=order.paid_at,
        orders=(ShippedOrder(order=order.ref, line_ids=("1",)),),
        stock_out=(SkuLine(sku="A", quantity=1),),
    )

    async with unit_of_work(pool) as uow:
        await use_cases.note_progress(uow, [_decided(cancel, "TOO_LATE"), shipped])

    assert await _status(pool, order) == "SHIPPED"
    async with pool.acquire() as conn:
        [case] = await changes.attention(conn, "s1")
    assert case["order"] == order.ref.uid and case["kind"] == "CANCELLED_AFTER_SHIPPING"
    assert "300000000006" in case["detail"] and "반품" in case["detail"]
