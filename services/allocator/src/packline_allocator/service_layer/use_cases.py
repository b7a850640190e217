"""Allocator use cases: take in bundles, run allocation waves, release stock when the shipper
says a cancellation took effect, take shipped stock out (rules: domain/order_stock.py)."""

import logging
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence

from packline_allocator.adapters import partial_cancels, revisions
from packline_allocator.adapters import repository as repo
from packline_allocator.domain.allocation import run_wave, stock_allocated
from packline_allocator.domain.order_stock import (
    BundleOrder,
    StockMove,
    demand_after,
    parcel_leaves,
    shrinkage,
)
from packline_allocator.domain.partial_cancel import PartialClaim
from packline_contracts import BundleFormed, CancellationDecided, Event, OrderCancelled, Shipped
from packline_runtime import tombstones
from packline_runtime.consumer import PermanentError
from packline_runtime.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)


async def handle_events(uow: UnitOfWork, events: Sequence[Event]) -> None:
    sellers = {e.seller_id for e in events}
    await repo.lock_sellers(uow.conn, sellers)
    cancels = [e.order.uid for e in events if isinstance(e, OrderCancelled) and not e.is_partial]
    partial = [e for e in events if isinstance(e, OrderCancelled | CancellationDecided) and e.lines]
    if partial:  # first: a partial cancel may overtake its bundle
        await _partial_claims(uow, partial)
    if cancels:
        await _hear_cancels(uow, cancels)
    took_effect = [
        e.order.uid
        for e in events
        if isinstance(e, CancellationDecided) and e.outcome == "CANCELLED" and not e.is_partial
    ]
    if took_effect:
        await _cancels_took_effect(uow, took_effect)
    formed = [e for e in events if isinstance(e, BundleFormed)]
    if formed:
        await _take_in(uow, formed)
    shipped = [e for e in events if isinstance(e, Shipped)]
    if shipped:
        await _stock_out(uow, shipped)
    # after the shipments: a shipped order's units are never released
    touched = [e.order.uid for e in partial] + [m.order.uid for e in formed for m in e.members]
    if touched:
        await _shrink_partly_cancelled(uow, touched)
    # new, revised or shrunk bundles and released stock can change what fits; a shipment cannot:
    # it takes the same quantity out of on-hand and reserved, so available stock stays as it was
    changes_fit = BundleFormed | OrderCancelled | CancellationDecided
    for seller in sorted({e.seller_id for e in events if isinstance(e, changes_fit)}):
        await allocation_wave(uow, seller)


async def _take_in(uow: UnitOfWork, formed: list[BundleFormed]) -> None:
    """New bundles are stored; a revision of a stored, still waiting bundle replaces it (members
    that left drop out); a bundle's members still waiting in an older bundle move to it."""
    known = await revisions.stored_revisions(uow.conn, [b.bundle_id for b in formed])
    newest: dict[object, BundleFormed] = {}
    for b in formed:
        if b.bundle_id not in newest or b.revision > newest[b.bundle_id].revision:
            newest[b.bundle_id] = b
    fresh = [b for b in newest.values() if b.bundle_id not in known]
    revised = [
        b
        for b in newest.values()
        if b.bundle_id in known
        and known[b.bundle_id][0] == "WAITING"
        and b.revision > known[b.bundle_id][1]
    ]
    for b in revised:
        await revisions.apply_revision(uow.conn, b)
    member_uids = [m.order.uid for b in fresh for m in b.members]
    cancelled = await tombstones.cancelled_among(uow.conn, member_uids)
    await repo.insert_bundles(uow.conn, fresh, cancelled)
    touched = {b.bundle_id for b in [*fresh, *revised]}
    for b in fresh:
        touched.update(await revisions.adopt(uow.conn, b))
    await repo.settle_bundles(uow.conn, sorted(touched))
    await revisions.settle_empty(uow.conn, sorted(touched))


async def _hear_cancels(uow: UnitOfWork, uids: list[str]) -> None:
    """취소 heard: tombstones (a cancel may overtake its bundle); orders still waiting leave."""
    await tombstones.record(uow.conn, uids)
    await _apply(uow, uids, BundleOrder.hear_cancel)


async def _cancels_took_effect(uow: UnitOfWork, uids: list[str]) -> None:
    """The shipper answered CANCELLED: the order never ships, its reserved stock is released."""
    await tombstones.record(uow.conn, uids)
    await _apply(uow, uids, BundleOrder.cancel_took_effect)


async def _partial_claims(
    uow: UnitOfWork, events: Sequence[OrderCancelled | CancellationDecided]
) -> None:
    """부분취소 heard (OrderCancelled) or answered by the shipper (CancellationDecided), in event
    order: the units of each claim that applies now are counted once per line (rules:
    domain/partial_cancel.py); `_shrink_partly_cancelled` then takes them off the order."""
    ids = [_cancel_id(e) for e in events]
    claims = await partial_cancels.lock_claims(uow.conn, ids)
    orders = {
        o.order_uid: o for o in await repo.lock_orders(uow.conn, [e.order.uid for e in events])
    }
    applying: list[PartialClaim] = []
    for event, cancel_id in zip(events, ids, strict=True):
        units = {li.line_id: li.quantity for li in event.lines or ()}
        claim = claims.setdefault(cancel_id, PartialClaim(cancel_id, event.order.uid, units))
        if isinstance(event, OrderCancelled):
            applies = claim.hear(orders.get(event.order.uid))
        else:
            applies = claim.answered(event.outcome == "CANCELLED")
        if applies:
            applying.append(claim)
    await partial_cancels.save_claims(uow.conn, [c for c in claims.values() if c.changed])
    if applying:
        await partial_cancels.add_cancelled_units(
            uow.conn, [(c.order_uid, line, q) for c in applying for line, q in c.units.items()]
        )


def _cancel_id(event: OrderCancelled | CancellationDecided) -> uuid.UUID:
    """A claim is known by its OrderCancelled; the shipper's answer is caused by it."""
    if isinstance(event, OrderCancelled):
        return event.event_id
    if event.causation_id is None:
        raise PermanentError(
            f"partial CancellationDecided {event.event_id} names no OrderCancelled "
            "(causation_id): its units cannot be matched to a claim"
        )
    return event.causation_id


async def _shrink_partly_cancelled(uow: UnitOfWork, uids: list[str]) -> None:
    """부분취소 applied: a live order needs only the units not cancelled; what it held of the
    rest is released (after the shipper said CANCELLED, or it held nothing yet)."""
    for order in await partial_cancels.lock_partly_cancelled(uow.conn, sorted(set(uids))):
        needs = demand_after(order.lines, order.cancelled)
        if needs == order.needs:
            continue
        freed = shrinkage(order.reserved, needs)
        await partial_cancels.shrink_order(uow.conn, order, needs, freed)


async def _stock_out(uow: UnitOfWork, shipments: list[Shipped]) -> None:
    """출고: exactly each parcel's contents leave on-hand, once; what its orders still reserved
    (units the shipper decided cancelled before the scan included) is reserved no more."""
    uids = [o.order.uid for e in shipments for o in e.orders]
    orders = {o.order_uid: o for o in await repo.lock_orders(uow.conn, uids)}
    released: list[str] = []
    leaving: dict[str, Counter[str]] = defaultdict(Counter)
    for event in shipments:
        dropped, leaves = parcel_leaves(
            orders[o.order.uid] for o in event.orders if o.order.uid in orders
        )
        released += dropped
        if leaves:
            leaving[event.seller_id].update({s.sku: s.quantity for s in event.stock_out})
    if released:
        await repo.release(uow.conn, released, leaves_on_hand=False)
    for seller, units in sorted(leaving.items()):
        await repo.take_out(uow.conn, seller, units)
    await repo.save_order_statuses(uow.conn, list(orders.values()))
    await repo.settle_bundles(uow.conn, sorted({o.bundle_id for o in orders.values()}))


async def _apply(
    uow: UnitOfWork, uids: list[str], step: Callable[[BundleOrder], StockMove]
) -> None:
    """Load the orders once, take the domain step on each in event order, write back the
    stock movements, the orders' statuses and the bundles that are now over."""
    orders = {o.order_uid: o for o in await repo.lock_orders(uow.conn, uids)}
    moves: dict[StockMove, list[str]] = defaultdict(list)
    for uid in uids:
        if uid in orders:
            moves[step(orders[uid])].append(uid)
    await repo.move_stock(uow.conn, moves)
    await repo.save_order_statuses(uow.conn, list(orders.values()))
    await repo.settle_bundles(uow.conn, sorted({o.bundle_id for o in orders.values()}))


async def allocation_wave(uow: UnitOfWork, seller_id: str) -> int:
    """One wave: waiting bundles in paid_at order get stock if they can ship whole.
    The caller holds the seller's allocation lock."""
    waiting = await repo.waiting(uow.conn, seller_id)
    if not waiting:
        return 0
    skus = {sku for b in waiting for sku in b.demand}
    chosen = run_wave(waiting, await repo.available(uow.conn, seller_id, skus))
    if not chosen:
        return 0
    await repo.reserve(uow.conn, seller_id, [b.bundle_id for b in chosen])
    stored = await repo.bundle_events(uow.conn, [b.bundle_id for b in chosen])
    for bundle in chosen:
        formed, live = stored[bundle.bundle_id]
        uow.emit(stock_allocated(formed, live, bundle.demand))
    return len(chosen)


async def set_stock(uow: UnitOfWork, seller_id: str, levels: Mapping[str, int]) -> int:
    """Set on-hand quantities (all or nothing), then allocate what now fits."""
    await repo.lock_sellers(uow.conn, [seller_id])
    current = {s["sku"]: s for s in await repo.stock_levels(uow.conn, seller_id)}
    too_low = [
        f"{sku}: {qty} < {current[sku]['allocated']} reserved"
        for sku, qty in levels.items()
        if sku in current and qty < current[sku]["allocated"]
    ]
    if too_low:
        raise repo.StockBelowReserved("on-hand below reserved stock: " + "; ".join(too_low))
    await repo.set_on_hand(uow.conn, seller_id, levels)
    return await allocation_wave(uow, seller_id)


async def run_wave_now(uow: UnitOfWork, seller_id: str) -> int:
    """할당처리: the console's button."""
    await repo.lock_sellers(uow.conn, [seller_id])
    return await allocation_wave(uow, seller_id)
