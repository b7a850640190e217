"""Collector use cases: register orders (idempotently), request cancellations from the console,
note shipments (and the lines whose tracking number awaits a push) and the shipper's answers to
cancellations."""

import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from packline_collector.adapters import batches_repository as batches
from packline_collector.adapters import dead_letters_repository as stranded
from packline_collector.adapters import order_changes_repository as changes
from packline_collector.adapters import orders_repository as repo
from packline_collector.adapters import partial_cancel_repository as partials
from packline_collector.adapters import push_repository as pushes
from packline_collector.domain.cancellation import (
    CancelRefused,
    OrderStatus,
    after_decision,
    request_cancel,
)
from packline_collector.domain.orders import NewOrder
from packline_collector.domain.partial_cancel import LineCancel, PartialCancelRefused, left, take
from packline_collector.service_layer import push
from packline_contracts import (
    CancellationDecided,
    CancelledLine,
    DeadLettered,
    Event,
    OrderCancelled,
    OrderCollected,
    OrderMatched,
    OrderRef,
    Shipped,
)
from packline_runtime.unit_of_work import UnitOfWork


@dataclass
class Registration:
    created: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)


class OrderNotFound(LookupError):
    pass


@dataclass(frozen=True)
class CancelRequest:
    """Where a cancel request left the order: CANCEL_REQUESTED until the shipper decides (or
    CANCELLED when it already has); `event` is None when it had been requested before."""

    uid: str
    status: OrderStatus
    event: OrderCancelled | None


CANCEL_AFTER_SHIPPING = "CANCELLED_AFTER_SHIPPING"  # order_attention kind: a return (반품)


async def register_orders(
    uow: UnitOfWork,
    orders: Sequence[NewOrder],
    source: str,
    batch_id: uuid.UUID | None = None,
    account_id: uuid.UUID | None = None,
    registered_by: str = "",
) -> Registration:
    """Insert the orders we have not seen and emit OrderCollected for exactly those. A batch
    (an uploaded file) that created orders is recorded, with who uploaded it."""
    events: dict[str, OrderCollected] = {}
    for order in orders:
        events.setdefault(order.ref.uid, order.collected(source))  # first copy in a file wins
    created = await repo.insert_new(uow.conn, list(events.values()), batch_id, account_id)
    if batch_id is not None:
        made = Counter(e.seller_id for uid, e in events.items() if uid in created)
        for seller, count in sorted(made.items()):
            await batches.record(uow.conn, seller, batch_id, source, registered_by, count)
    await pushes.remember_order_numbers(
        uow.conn,
        [(o.ref, o.marketplace_order_no) for o in numbered(orders, created)],
    )
    result = Registration()
    for order in orders:
        uid = order.ref.uid
        if uid in created and uid not in result.created:
            result.created.append(uid)
            uow.emit(events[uid])
        elif uid not in created:
            result.duplicates.append(uid)
    return result


def numbered(orders: Sequence[NewOrder], created: set[str]) -> list[NewOrder]:
    """The registered orders that carry a marketplace order number (Coupang orderId)."""
    return [o for o in orders if o.ref.uid in created and o.marketplace_order_no]


async def cancel_order(uow: UnitOfWork, ref: OrderRef, reason: str, source: str) -> CancelRequest:
    """Request the cancellation (OrderCancelled to every stage); it is decided at the shipping
    line, which may find the parcel already scanned. Raises CancelRefused once shipped."""
    row = await repo.lock(uow.conn, ref)
    if row is None:
        raise OrderNotFound(f"no order {ref.uid}")
    status = OrderStatus(row["status"])
    after = request_cancel(ref.uid, status)
    if after is status:
        return CancelRequest(ref.uid, status, None)
    await repo.set_status(uow.conn, [ref], after)
    event = OrderCancelled(
        seller_id=row["seller_id"],
        correlation_id=row["event_id"],
        causation_id=None,
        order=ref,
        recipient_key=row["recipient_key"],
        reason=reason,
        source=source,
    )
    uow.emit(event)
    return CancelRequest(ref.uid, after, event)


@dataclass(frozen=True)
class PartialCancel:
    """What a partial claim did: `event` is the OrderCancelled sent (lines = exactly these
    units; None lines = every unit left was cancelled, so the whole order), `left` the units
    still to ship per line; or the `refusal` (recorded, nothing applied)."""

    uid: str
    status: OrderStatus
    event: OrderCancelled | None
    left: dict[str, int]
    refusal: PartialCancelRefused | None = None


async def cancel_lines(
    uow: UnitOfWork, ref: OrderRef, asked: Sequence[LineCancel], reason: str, source: str
) -> PartialCancel:
    """부분취소: cancel units of some lines; the rest of the order goes on. A claim asking for
    more than is left on a line (or for a line the order lacks) is refused whole and recorded.
    Raises OrderNotFound, and CancelRefused once the order is shipped or cancelled whole."""
    order = await partials.lock_units(uow.conn, ref)
    if order is None:
        raise OrderNotFound(f"no order {ref.uid}")
    status = order.status
    if request_cancel(ref.uid, status) is status:  # raises once shipped or deleted
        raise CancelRefused(f"order {ref.uid} is already cancelled as a whole")
    units: dict[str, int] = {}
    for one in asked:
        units[one.line_id] = units.get(one.line_id, 0) + one.quantity
    try:
        after = take(ref.uid, order.collected, order.cancelled, asked)
    except PartialCancelRefused as exc:
        await partials.record(uow.conn, ref, units, source, reason, "REFUSED", str(exc))
        return PartialCancel(ref.uid, status, None, left(order.collected, order.cancelled), exc)
    await partials.set_cancelled(uow.conn, ref, after)
    await partials.record(uow.conn, ref, units, source, reason, "APPLIED", "")
    remaining = left(order.collected, after)
    whole = not any(remaining.values())
    if whole:  # nothing left to ship: the order is cancelled, decided at the shipping line
        status = OrderStatus.CANCEL_REQUESTED
        await repo.set_status(uow.conn, [ref], status)
    event = OrderCancelled(
        seller_id=order.seller_id,
        correlation_id=order.event_id,
        causation_id=None,
        order=ref,
        recipient_key=order.recipient_key,
        reason=reason,
        source=source,
        lines=None
        if whole
        else tuple(CancelledLine(line_id=k, quantity=q) for k, q in sorted(units.items())),
    )
    uow.emit(event)
    return PartialCancel(ref.uid, status, event, remaining)


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
    decided = [e for e in events if isinstance(e, CancellationDecided)]
    if decided:
        await note_cancellations_decided(uow, decided)
    # 송장 전송: the lines of shipped parcels (and of 가배송 parcels once numbered) await a push
    await push.record_pushes(uow, events)


async def note_cancellations_decided(
    uow: UnitOfWork, decisions: Sequence[CancellationDecided]
) -> None:
    """The shipper's answers: CANCELLED takes effect (of a partial cancel: only its units, which
    cancel-lines recorded already); TOO_LATE leaves the order shipped and puts it on the
    attention list (CS: a return, 반품) for a person."""
    rows = await changes.lock_many(uow.conn, [d.order for d in decisions])
    status = {uid: OrderStatus(row["status"]) for uid, row in rows.items()}
    late: list[tuple[OrderRef, str, str]] = []
    for d in decisions:
        if d.order.uid not in status or (d.is_partial and d.outcome == "CANCELLED"):
            continue  # 부분취소 took effect: its units were recorded; the rest still ships
        status[d.order.uid] = after_decision(status[d.order.uid], d.outcome)
        if d.outcome == "TOO_LATE":
            late.append(
                (
                    d.order,
                    CANCEL_AFTER_SHIPPING,
                    f"the cancellation came after parcel {d.tracking_number or '?'} was scanned "
                    "out: it has shipped; contact the buyer and handle it as a return (반품)",
                )
            )
    refs = {d.order.uid: d.order for d in decisions}
    for new in set(status.values()):
        changed = [refs[u] for u, s in status.items() if s is new and rows[u]["status"] != new]
        if changed:
            await repo.set_status(uow.conn, changed, new)
    await changes.add_attention(uow.conn, late)
    # a partial cancel that took effect leaves the rest of the order shipping, and pushed
    whole = [d.order for d in decisions if d.outcome == "CANCELLED" and not d.is_partial]
    await push.cancel_pushes(uow, whole)
