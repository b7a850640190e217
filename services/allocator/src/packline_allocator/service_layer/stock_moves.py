"""What cancellations and shipments do to orders and stock here (취소, 부분취소, 출고), through
the repositories: orders and ledgers are loaded once per step for the whole batch, the domain
steps run in event order, and what changed is written back (rules: domain/order_stock.py,
domain/partial_cancel.py, domain/ledger.py)."""

import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Iterable, Sequence

from packline_allocator.domain.ledger import StockLedger
from packline_allocator.domain.order_stock import BundleOrder, StockMove, parcel_leaves
from packline_allocator.domain.partial_cancel import PartialClaim
from packline_allocator.service_layer.batch import Batch
from packline_allocator.service_layer.ports import Work
from packline_contracts import CancellationDecided, OrderCancelled, Shipped
from packline_runtime.consumer import PermanentError

Ledgers = dict[str, dict[str, StockLedger]]  # per seller, per SKU


async def _ledgers(work: Work, keys: Iterable[tuple[str, str]]) -> Ledgers:
    per_seller: Ledgers = defaultdict(dict)
    for (seller, sku), ledger in (await work.stock.ledgers_of(set(keys))).items():
        per_seller[seller][sku] = ledger
    return per_seller


async def _save(work: Work, ledgers: Ledgers) -> None:
    await work.stock.save(
        [ledger for of_seller in ledgers.values() for ledger in of_seller.values()]
    )


async def hear_cancels(work: Work, batch: Batch, uids: list[str]) -> None:
    """취소 heard: tombstones (a cancel may overtake its bundle); orders still waiting leave."""
    await work.orders.record_cancelled(uids)
    await _apply(work, batch, uids, BundleOrder.hear_cancel)


async def cancels_took_effect(work: Work, batch: Batch, uids: list[str]) -> None:
    """The shipper answered CANCELLED: the order never ships, its reserved stock is released."""
    await work.orders.record_cancelled(uids)
    await _apply(work, batch, uids, BundleOrder.cancel_took_effect)


async def _apply(
    work: Work, batch: Batch, uids: list[str], step: Callable[[BundleOrder], StockMove]
) -> None:
    """Take the domain step on each order in event order; its stock movement goes into the
    SKUs' ledgers; the orders, ledgers and bundles now over are written back."""
    orders = await work.orders.lock(uids)
    ledgers = await _ledgers(work, ((o.seller_id, s) for o in orders.values() for s in o.held))
    for uid in uids:
        if (order := orders.get(uid)) is not None:
            moved = order.settle_move(step(order), ledgers[order.seller_id])
            batch.freed(order.seller_id, moved)
    await _save(work, ledgers)
    await work.orders.save(list(orders.values()))
    await work.orders.settle(sorted({o.bundle_id for o in orders.values()}))
    batch.bundles.update(o.bundle_id for o in orders.values())


async def stock_out(work: Work, batch: Batch, shipments: Sequence[Shipped]) -> None:
    """출고: exactly each parcel's contents leave on-hand, once; what its orders still reserved
    (units the shipper decided cancelled before the scan included) is reserved no more."""
    orders = await work.orders.lock([o.order.uid for e in shipments for o in e.orders])
    keys = {(o.seller_id, s) for o in orders.values() for s in o.held}
    keys |= {(e.seller_id, s.sku) for e in shipments for s in e.stock_out}
    ledgers = await _ledgers(work, keys)
    released: list[BundleOrder] = []
    leaving: dict[str, Counter[str]] = defaultdict(Counter)
    for event in shipments:
        parcel = [orders[o.order.uid] for o in event.orders if o.order.uid in orders]
        dropped, leaves = parcel_leaves(parcel)
        released += [orders[uid] for uid in dropped]
        if leaves:
            leaving[event.seller_id].update({s.sku: s.quantity for s in event.stock_out})
    for order in released:  # first every reservation dropped, then what left the building
        batch.freed(order.seller_id, order.settle_move(StockMove.RELEASE, ledgers[order.seller_id]))
    for seller, units in sorted(leaving.items()):
        for sku, quantity in sorted(units.items()):
            if sku in ledgers[seller]:  # a SKU never stocked here has nothing to take out
                ledgers[seller][sku].take_out(quantity)
    await _save(work, ledgers)
    await work.orders.save(list(orders.values()))
    await work.orders.settle(sorted({o.bundle_id for o in orders.values()}))


async def partial_claims(
    work: Work, events: Sequence[OrderCancelled | CancellationDecided]
) -> None:
    """부분취소 heard (OrderCancelled) or answered by the shipper (CancellationDecided), in event
    order: the units of each claim that applies now are counted once per line (rules:
    domain/partial_cancel.py); `shrink_partly_cancelled` then takes them off the order."""
    ids = [_cancel_id(e) for e in events]
    claims = await work.claims.lock(ids)
    orders = await work.orders.lock([e.order.uid for e in events])
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
    await work.claims.save(list(claims.values()))
    if applying:
        await work.claims.add_cancelled_units(applying)


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


async def shrink_partly_cancelled(work: Work, batch: Batch, uids: Collection[str]) -> None:
    """부분취소 applied: a live order needs only the units not cancelled; what it held of the
    rest is released (after the shipper said CANCELLED, or it held nothing yet)."""
    orders = await work.claims.partly_cancelled(sorted(set(uids)))
    if not orders:
        return
    ledgers = await _ledgers(work, ((o.seller_id, s) for o in orders for s in o.reserved))
    for order in orders:
        freed = order.shrink(ledgers[order.seller_id])
        if order.changed:
            batch.bundles.add(order.bundle_id)
            batch.freed(order.seller_id, freed)
    await _save(work, ledgers)
    await work.claims.save_shrunk(orders)
