"""A partial cancellation (OrderCancelled v3 naming lines) is not the order's cancellation: the
order is not tombstoned here and goes on; the allocator and the shipper apply the units."""

from typing import Any

from packline_contracts import CancelledLine, OrderCancelled
from packline_launcher.testing import collected
from packline_matcher.bootstrap import MIGRATIONS
from packline_matcher.service_layer import use_cases
from packline_runtime import tombstones
from packline_runtime.unit_of_work import unit_of_work


async def test_a_partial_cancellation_does_not_cancel_the_order(new_schema: Any) -> None:
    pool = await new_schema(MIGRATIONS, prefix="partmatcher")
    order = collected(1)
    event = OrderCancelled(
        **order.follow_up(),
        order=order.order,
        recipient_key=order.recipient_key,
        lines=(CancelledLine(line_id="1", quantity=1),),
    )
    async with unit_of_work(pool) as uow:
        await use_cases.handle_events(uow, [event])
    async with pool.acquire() as conn:
        assert await tombstones.cancelled_among(conn, [order.order.uid]) == set()
