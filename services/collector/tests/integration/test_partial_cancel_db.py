"""Partial cancellations (부분취소) on PostgreSQL: units of some lines are cancelled while the rest
of the order goes on; a claim can never cancel more than is left, and a refusal is recorded."""

import re
from typing import Any

from packline_collector.adapters import orders_repository as repo
from packline_collector.adapters import partial_cancel_repository as partials
from packline_collector.bootstrap import MIGRATIONS
from packline_collector.domain.orders import NewOrder
from packline_collector.domain.partial_cancel import LineCancel, OverCancel, UnknownLine
from packline_collector.service_layer import use_cases
from packline_contracts import CancellationDecided, OrderCancelled
from packline_runtime.unit_of_work import unit_of_work


def _order(number: int) -> NewOrder:
    line = {"listing_id": "L", "unit_price_krw": 9900}
    return NewOrder.model_validate(
        {
            "seller_id": "s1",
            "marketplace": "COUPANG",
            "marketplace_order_id": f"702611280000{number:04d}",
            "ordered_at": "2026-11-28T09:00:00",
            "paid_at": "2026-11-28T09:05:00",
            "recipient": {"name": "이서연", "mobile": "010-2222-3333", "address1": "부산 1"},
            "lines": [
                {**line, "line_id": "1", "quantity": 3, "amount_krw": 29700},
                {**line, "line_id": "2", "quantity": 1, "amount_krw": 9900},
            ],
        }
    )


async def _cancel(pool: Any, order: NewOrder, *lines: tuple[str, int]) -> use_cases.PartialCancel:
    async with unit_of_work(pool) as uow:
        return await use_cases.cancel_lines(
            uow,
            order.ref,
            [LineCancel(line_id=i, quantity=q) for i, q in lines],
            "buyer",
            "CONSOLE",
        )


async def test_units_are_cancelled_until_none_are_left_and_more_is_refused_and_recorded(
    new_schema: Any,
) -> None:
    pool = await new_schema(MIGRATIONS, prefix="cpart")
    order = _order(1)
    async with unit_of_work(pool) as uow:
        await use_cases.register_orders(uow, [order], source="MANUAL")

    first = await _cancel(pool, order, ("1", 1))
    second = await _cancel(pool, order, ("1", 2))
    refused = await _cancel(pool, order, ("1", 1))

    assert isinstance(first.event, OrderCancelled) and isinstance(second.event, OrderCancelled)
    assert [(x.line_id, x.quantity) for x in first.event.lines or ()] == [("1", 1)]
    assert [(x.line_id, x.quantity) for x in second.event.lines or ()] == [("1", 2)]
    assert second.left == {"1": 0, "2": 1}
    assert isinstance(refused.refusal, OverCancel) and refused.event is None
    assert (refused.refusal.line_id, refused.refusal.left) == ("1", 0)
    assert re.search(r"line 1.*0 of 3 left", str(refused.refusal))
    async with pool.acquire() as conn:
        row = await repo.get(conn, order.ref)
        history = await partials.history(conn, order.ref)
    assert row is not None and row["status"] == "COLLECTED"  # line 2 still goes on
    assert [(h["outcome"], h["lines"]) for h in history] == [
        ("APPLIED", {"1": 1}),
        ("APPLIED", {"1": 2}),
        ("REFUSED", {"1": 1}),
    ]
    assert "0 of 3 left" in history[2]["detail"]


async def test_cancelling_every_unit_left_cancels_the_whole_order(new_schema: Any) -> None:
    pool = await new_schema(MIGRATIONS, prefix="cpart")
    order = _order(2)
    async with unit_of_work(pool) as uow:
        await use_cases.register_orders(uow, [order], source="MANUAL")

    await _cancel(pool, order, ("1", 2))
    last = await _cancel(pool, order, ("1", 1), ("2", 1))

    assert isinstance(last.event, OrderCancelled) and last.event.lines is None  # the whole order
    async with pool.acquire() as conn:
        row = await repo.get(conn, order.ref)
    assert row is not None and row["status"] == "CANCEL_REQUESTED"


async def test_a_line_the_order_does_not_have_is_refused_by_name(new_schema: Any) -> None:
    pool = await new_schema(MIGRATIONS, prefix="cpart")
    order = _order(3)
    async with unit_of_work(pool) as uow:
        await use_cases.register_orders(uow, [order], source="MANUAL")

    refused = await _cancel(pool, order, ("9", 1))
    assert isinstance(refused.refusal, UnknownLine) and "line 9" in str(refused.refusal)


async def test_the_shippers_cancelled_answer_to_a_partial_cancel_leaves_the_rest_going_on(
    new_schema: Any,
) -> None:
    """CancellationDecided v2 names the units it decided: CANCELLED takes only those (the order
    still ships the rest); a later claim is still decided against what is left."""
    pool = await new_schema(MIGRATIONS, prefix="cpart")
    order = _order(4)
    async with unit_of_work(pool) as uow:
        await use_cases.register_orders(uow, [order], source="MANUAL")
    first = await _cancel(pool, order, ("1", 1))
    assert first.event is not None

    async with unit_of_work(pool) as uow:
        await use_cases.note_progress(
            uow,
            [
                CancellationDecided(
                    **first.event.follow_up(),
                    order=first.event.order,
                    recipient_key=first.event.recipient_key,
                    outcome="CANCELLED",
                    lines=first.event.lines,
                )
            ],
        )

    async with pool.acquire() as conn:
        row = await repo.get(conn, order.ref)
    assert row is not None and row["status"] == "COLLECTED"
    second = await _cancel(pool, order, ("1", 2))
    assert second.refusal is None and second.left == {"1": 0, "2": 1}
