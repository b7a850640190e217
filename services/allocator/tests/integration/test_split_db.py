"""미할당주문나누기 against PostgreSQL: a 3-order bundle short of one SKU ships 2 orders; the
third waits in a backorder (its own bundle row, its order moved there) that allocates after a
receipt and ships by order uid; a backorder's order cancelled while waiting ends it."""

import uuid
from typing import Any

from packline_allocator.adapters.unit_of_work import AllocatorUnitOfWork
from packline_allocator.bootstrap import MIGRATIONS
from packline_allocator.domain.movements import MoveLine, MovementReason
from packline_allocator.service_layer import partial_setting, use_cases
from packline_contracts import (
    BundleFormed,
    Event,
    Marketplace,
    OrderCancelled,
    OrderMatched,
    Shipped,
    ShippedOrder,
    SkuLine,
    StockAllocated,
)
from packline_launcher.testing import bundle, collected, matched
from packline_runtime.unit_of_work import unit_of_work


def _order(number: int, **needs: int) -> OrderMatched:
    o = matched(collected(number), needs)
    return o.model_copy(
        update={"order": o.order.model_copy(update={"marketplace": Marketplace.NAVER})}
    )


async def _split(pool: Any) -> tuple[BundleFormed, StockAllocated]:
    box = bundle(_order(1, A=1), _order(2, B=1), _order(3, A=1))
    async with unit_of_work(pool) as uow:
        await partial_setting.change(AllocatorUnitOfWork(uow), "s1", True, {}, "test")
        await use_cases.set_stock(uow, "s1", {"A": 5, "B": 0})
        await use_cases.handle_events(uow, [box])
        [event] = uow.emitted
    assert isinstance(event, StockAllocated) and event.backorder_id is not None
    return box, event


async def _feed(pool: Any, *events: Event) -> list[Event]:
    async with unit_of_work(pool) as uow:
        await use_cases.handle_events(uow, list(events))
        return list(uow.emitted)


async def _stock(pool: Any) -> dict[str, tuple[int, int]]:
    rows = await pool.fetch("SELECT sku, on_hand, allocated FROM stock ORDER BY sku")
    return {r["sku"]: (r["on_hand"], r["allocated"]) for r in rows}


async def _bundles(pool: Any) -> dict[uuid.UUID, tuple[str, uuid.UUID | None, list[str]]]:
    rows = await pool.fetch(
        """
        SELECT b.bundle_id, b.status, b.split_from,
               array_agg(o.order_uid || '=' || o.status ORDER BY o.order_uid) AS orders
        FROM bundles b JOIN bundle_orders o USING (bundle_id) GROUP BY b.bundle_id
        """
    )
    return {r["bundle_id"]: (r["status"], r["split_from"], list(r["orders"])) for r in rows}


def _shipped(box: BundleFormed, bundle_id: uuid.UUID, members: list[int], **out: int) -> Shipped:
    return Shipped(
        **box.follow_up(),
        bundle_id=bundle_id,
        courier_code="CJGLS",
        tracking_number=f"30000000000{members[0]}",
        shipped_at=box.paid_at,
        orders=tuple(ShippedOrder(order=box.members[i].order, line_ids=("1",)) for i in members),
        stock_out=tuple(SkuLine(sku=s, quantity=q) for s, q in out.items()),
    )


async def test_split_ships_two_orders_and_the_backorder_after_a_receipt(new_schema: Any) -> None:
    pool = await new_schema(MIGRATIONS, prefix="spl")
    box, first = await _split(pool)
    one, two, three = (m.order.uid for m in box.members)
    back = first.backorder_id
    assert back is not None
    assert [m.order.uid for m in first.members] == [one, three] and first.split_from is None
    assert await _bundles(pool) == {
        box.bundle_id: ("ALLOCATED", None, [f"{one}=LIVE", f"{three}=LIVE"]),
        back: ("WAITING", box.bundle_id, [f"{two}=LIVE"]),
    }
    assert await _stock(pool) == {"A": (5, 2), "B": (0, 0)}
    why = await pool.fetchval(
        "SELECT reason->'split'->>'backorder_id' FROM wave_decisions WHERE bundle_id = $1",
        box.bundle_id,
    )
    assert why == str(back)
    async with unit_of_work(pool) as uow:
        [recorded] = await AllocatorUnitOfWork(uow).waves.decisions_of("s1", box.bundle_id, 5)
    assert (recorded.decision.part, recorded.decision.backorder_id) == ((one, three), back)
    assert "the rest wait in backorder" in recorded.sentence

    assert await _feed(pool, _shipped(box, box.bundle_id, [0, 2], A=2)) == []
    assert await _stock(pool) == {"A": (3, 0), "B": (0, 0)}
    assert (await _bundles(pool))[box.bundle_id][0] == "SHIPPED"

    async with unit_of_work(pool) as uow:
        moved = await use_cases.move_stock(
            uow, "s1", MovementReason.RECEIPT, [MoveLine("B", 1)], "test"
        )
        [later] = uow.emitted
    assert moved.bundles_allocated == 1
    assert isinstance(later, StockAllocated)
    assert (later.bundle_id, later.split_from, later.backorder_id) == (back, box.bundle_id, None)
    assert [m.order.uid for m in later.members] == [two]
    assert await _stock(pool) == {"A": (3, 0), "B": (1, 1)}

    await _feed(pool, _shipped(box, back, [1], B=1))
    assert await _stock(pool) == {"A": (3, 0), "B": (0, 0)}
    assert (await _bundles(pool))[back] == ("SHIPPED", box.bundle_id, [f"{two}=SHIPPED"])
    assert await pool.fetchval("SELECT count(*) FROM reservations") == 0


async def test_the_backorders_order_cancelled_while_waiting_ends_it(new_schema: Any) -> None:
    pool = await new_schema(MIGRATIONS, prefix="spl")
    box, first = await _split(pool)
    two = box.members[1]
    cancel = OrderCancelled(**box.follow_up(), order=two.order, recipient_key=box.recipient_key)
    await _feed(pool, cancel)
    assert first.backorder_id is not None
    assert (await _bundles(pool))[first.backorder_id][0] == "CANCELLED"
    assert await _stock(pool) == {"A": (5, 2), "B": (0, 0)}
