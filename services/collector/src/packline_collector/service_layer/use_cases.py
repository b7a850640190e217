"""Collector use cases: register orders (idempotently), cancel from the console, note shipments."""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field

from packline_collector.adapters import dead_letters_repository as stranded
from packline_collector.adapters import order_changes_repository as changes
from packline_collector.adapters import orders_repository as repo
from packline_collector.domain.orders import NewOrder
from packline_contracts import (
    DeadLettered,
    Event,
    OrderCancelled,
    OrderCollected,
    OrderMatched,
    OrderRef,
    Shipped,
    new_event_id,
)
from packline_runtime.unit_of_work import UnitOfWork


@dataclass
class Registration:
    created: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)


class OrderNotFound(LookupError):
    pass


class CancelRefused(ValueError):
    pass


async def register_orders(
    uow: UnitOfWork,
    orders: Sequence[NewOrder],
    source: str,
    batch_id: uuid.UUID | None = None,
    account_id: uuid.UUID | None = None,
) -> Registration:
    """Insert the orders we have not seen and emit OrderCollected for exactly those."""
    events: dict[str, OrderCollected] = {}
    for order in orders:
        events.setdefault(order.ref.uid, order.collected(source))  # first copy in a file wins
    created = await repo.insert_new(uow.conn, list(events.values()), batch_id, account_id)
    result = Registration()
    for order in orders:
        uid = order.ref.uid
        if uid in created and uid not in result.created:
            result.created.append(uid)
            uow.emit(events[uid])
        elif uid not in created:
            result.duplicates.append(uid)
    return result


async def cancel_order(
    uow: UnitOfWork, ref: OrderRef, reason: str, source: str
) -> OrderCancelled | None:
    """Cancel before shipping; a second cancel is a no-op (returns None)."""
    row = await repo.lock(uow.conn, ref)
    if row is None:
        raise OrderNotFound(f"no order {ref.uid}")
    if row["status"] == "CANCELLED":
        return None
    if row["status"] == "SHIPPED":
        raise CancelRefused(f"order {ref.uid} has already shipped; handle it as a return (반품)")
    await repo.set_status(uow.conn, [ref], "CANCELLED")
    event_id = new_event_id()
    event = OrderCancelled(
        event_id=event_id,
        seller_id=row["seller_id"],
        correlation_id=row["event_id"],
        causation_id=None,
        order=ref,
        recipient_key=row["recipient_key"],
        reason=reason,
        source=source,
    )
    uow.emit(event)
    return event


async def note_progress(uow: UnitOfWork, events: Sequence[Event]) -> None:
    """Shipped marks orders as gone; OrderMatched marks them as past matching, which is what
    decides whether an Excel batch may still be deleted; DeadLettered marks them stranded."""
    refs = [o.order for e in events if isinstance(e, Shipped) for o in e.orders]
    if refs:
        await repo.set_status(uow.conn, refs, "SHIPPED")
    matched = [e.order for e in events if isinstance(e, OrderMatched)]
    if matched:
        await changes.note_matched(uow.conn, matched)
    # a stage's dead letter about our orders: shown on the order until it is redriven
    letters = [e for e in events if isinstance(e, DeadLettered)]
    if letters:
        await stranded.note(uow.conn, letters)
