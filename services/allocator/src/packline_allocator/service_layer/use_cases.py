"""Allocator use cases: take in bundles, run allocation waves, release stock when the shipper
says a cancellation took effect, take shipped stock out (rules: domain/order_stock.py; waves
and stock levels: service_layer/waves.py)."""

import logging
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from packline_allocator.adapters import partial_cancels, revisions
from packline_allocator.adapters import repository as repo
from packline_allocator.adapters.unit_of_work import AllocatorUnitOfWork
from packline_allocator.domain.order_stock import (
    BundleOrder,
    StockMove,
    demand_after,
    parcel_leaves,
    shrinkage,
)
from packline_allocator.domain.partial_cancel import PartialClaim
from packline_allocator.service_layer import waves
from packline_contracts import BundleFormed, CancellationDecided, Event, OrderCancelled, Shipped
from packline_runtime import tombstones
from packline_runtime.consumer import PermanentError
from packline_runtime.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)


@dataclass
class Batch:
    """A batch's events sorted by what they ask of the allocator, and what they changed: the
    SKUs whose availability moved (per seller) and the bundles whose demand or order moved."""

    partial: list[OrderCancelled | CancellationDecided] = field(default_factory=list)
    cancels: list[str] = field(default_factory=list)
    took_effect: list[str] = field(default_factory=list)
    formed: list[BundleFormed] = field(default_factory=list)
    shipped: list[Shipped] = field(default_factory=list)
    skus: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    bundles: set[uuid.UUID] = field(default_factory=set)

    def freed(self, seller_skus: Sequence[tuple[str, str]]) -> None:
        for seller, sku in seller_skus:
            self.skus[seller].add(sku)


def _on_cancelled(batch: Batch, event: Event) -> None:
    assert isinstance(event, OrderCancelled)
    if event.lines:
        batch.partial.append(event)
    if not event.is_partial:
        batch.cancels.append(event.order.uid)


def _on_decided(batch: Batch, event: Event) -> None:
    assert isinstance(event, CancellationDecided)
    if event.lines:
        batch.partial.append(event)
    if event.outcome == "CANCELLED" and not event.is_partial:
        batch.took_effect.append(event.order.uid)


def _on_formed(batch: Batch, event: Event) -> None:
    assert isinstance(event, BundleFormed)
    batch.formed.append(event)


def _on_shipped(batch: Batch, event: Event) -> None:
    assert isinstance(event, Shipped)
    batch.shipped.append(event)


HANDLERS: Mapping[type[Event], Callable[[Batch, Event], None]] = {
    OrderCancelled: _on_cancelled,
    CancellationDecided: _on_decided,
    BundleFormed: _on_formed,
    Shipped: _on_shipped,
}


async def handle_events(uow: UnitOfWork, events: Sequence[Event]) -> None:
    work = AllocatorUnitOfWork(uow)
    await work.stock.lock_sellers({e.seller_id for e in events})
    batch = Batch()
    for event in events:
        HANDLERS[type(event)](batch, event)
    if batch.partial:  # first: a partial cancel may overtake its bundle
        await _partial_claims(uow, batch.partial)
    if batch.cancels:
        await _hear_cancels(uow, batch, batch.cancels)
    if batch.took_effect:
        await _cancels_took_effect(uow, batch, batch.took_effect)
    if batch.formed:
        batch.bundles.update(await _take_in(uow, batch.formed))
    if batch.shipped:
        await _stock_out(uow, batch, batch.shipped)
    # after the shipments: a shipped order's units are never released
    touched = [e.order.uid for e in batch.partial]
    touched += [m.order.uid for e in batch.formed for m in e.members]
    if touched:
        await _shrink_partly_cancelled(uow, batch, touched)
    # a wave looks only at SKUs whose availability changed: released stock, and what the
    # bundles that arrived, were revised or lost orders need
    for seller, skus in (await work.bundles.skus_needed(batch.bundles)).items():
        batch.skus[seller] |= skus
    for seller in sorted(batch.skus):
        await waves.allocation_wave(work, seller, batch.skus[seller])


async def set_stock(uow: UnitOfWork, seller_id: str, levels: Mapping[str, int]) -> int:
    """Set on-hand quantities (all or nothing), then allocate what now fits."""
    return await waves.set_stock(AllocatorUnitOfWork(uow), seller_id, levels)


async def run_wave_now(uow: UnitOfWork, seller_id: str) -> int:
    """할당처리: the console's button."""
    return await waves.run_wave_now(AllocatorUnitOfWork(uow), seller_id)


async def _take_in(uow: UnitOfWork, formed: list[BundleFormed]) -> set[uuid.UUID]:
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
    return touched


async def _hear_cancels(uow: UnitOfWork, batch: Batch, uids: list[str]) -> None:
    """취소 heard: tombstones (a cancel may overtake its bundle); orders still waiting leave."""
    await tombstones.record(uow.conn, uids)
    await _apply(uow, batch, uids, BundleOrder.hear_cancel)


async def _cancels_took_effect(uow: UnitOfWork, batch: Batch, uids: list[str]) -> None:
    """The shipper answered CANCELLED: the order never ships, its reserved stock is released."""
    await tombstones.record(uow.conn, uids)
    await _apply(uow, batch, uids, BundleOrder.cancel_took_effect)


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


async def _shrink_partly_cancelled(uow: UnitOfWork, batch: Batch, uids: list[str]) -> None:
    """부분취소 applied: a live order needs only the units not cancelled; what it held of the
    rest is released (after the shipper said CANCELLED, or it held nothing yet)."""
    for order in await partial_cancels.lock_partly_cancelled(uow.conn, sorted(set(uids))):
        needs = demand_after(order.lines, order.cancelled)
        if needs == order.needs:
            continue
        freed = shrinkage(order.reserved, needs)
        batch.bundles.add(order.bundle_id)
        batch.freed([(order.seller_id, sku) for sku in freed])
        await partial_cancels.shrink_order(uow.conn, order, needs, freed)


async def _stock_out(uow: UnitOfWork, batch: Batch, shipments: list[Shipped]) -> None:
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
        batch.freed(await repo.release(uow.conn, released, leaves_on_hand=False))
    for seller, units in sorted(leaving.items()):
        await repo.take_out(uow.conn, seller, units)
    await repo.save_order_statuses(uow.conn, list(orders.values()))
    await repo.settle_bundles(uow.conn, sorted({o.bundle_id for o in orders.values()}))


async def _apply(
    uow: UnitOfWork, batch: Batch, uids: list[str], step: Callable[[BundleOrder], StockMove]
) -> None:
    """Load the orders once, take the domain step on each in event order, write back the
    stock movements, the orders' statuses and the bundles that are now over."""
    orders = {o.order_uid: o for o in await repo.lock_orders(uow.conn, uids)}
    moves: dict[StockMove, list[str]] = defaultdict(list)
    for uid in uids:
        if uid in orders:
            moves[step(orders[uid])].append(uid)
    batch.freed(await repo.move_stock(uow.conn, moves))
    await repo.save_order_statuses(uow.conn, list(orders.values()))
    await repo.settle_bundles(uow.conn, sorted({o.bundle_id for o in orders.values()}))
    batch.bundles.update(o.bundle_id for o in orders.values())
