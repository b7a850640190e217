"""Matcher use cases: match collected orders, hold the rest, learn mappings, honour cancels."""

from collections.abc import Sequence

from packline_contracts import Event, OrderCancelled, OrderCollected, SkuLine
from packline_matcher.adapters import repository as repo
from packline_matcher.domain.matching import ListingKey, listing_keys, match
from packline_runtime import tombstones
from packline_runtime.unit_of_work import UnitOfWork


def _mapping_keys(order: OrderCollected) -> list[repo.MappingKey]:
    m = order.order.marketplace.value
    return [(order.seller_id, m, listing, option) for listing, option in listing_keys(order)]


async def _match_orders(uow: UnitOfWork, orders: Sequence[OrderCollected]) -> list[OrderCollected]:
    """Emit OrderMatched for orders that fully resolve; returns those still missing a mapping."""
    keys = [k for o in orders for k in _mapping_keys(o)]
    known = await repo.load_mappings(uow.conn, keys)
    matched, waiting = [], []
    for order in orders:
        mp = order.order.marketplace.value
        own = {
            (k[2], k[3]): skus
            for k, skus in known.items()
            if k[0] == order.seller_id and k[1] == mp
        }
        result = match(order, own)
        if isinstance(result, list):
            waiting.append((order, result))
        else:
            matched.append((order, result))
    fresh = await repo.record_matched(uow.conn, [o for o, _ in matched])
    for order, event in matched:
        if order.order.uid in fresh:
            uow.emit(event)
    for order, missing in waiting:
        await repo.hold(uow.conn, order, missing)
    return [o for o, _ in waiting]


async def handle_events(uow: UnitOfWork, events: Sequence[Event]) -> None:
    cancels = [e.order.uid for e in events if isinstance(e, OrderCancelled)]
    if cancels:
        await tombstones.record(uow.conn, cancels)
        await repo.release(uow.conn, cancels)  # a cancelled order leaves the unmatched queue
    orders = [e for e in events if isinstance(e, OrderCollected)]
    if not orders:
        return
    cancelled = await tombstones.cancelled_among(uow.conn, [o.order.uid for o in orders])
    orders = [o for o in orders if o.order.uid not in cancelled]
    await repo.lock_listings(
        uow.conn, [k for o in orders for k in _mapping_keys(o)], exclusive=False
    )
    await _match_orders(uow, orders)


async def add_mapping(
    uow: UnitOfWork,
    key: repo.MappingKey,
    skus: Sequence[SkuLine],
    created_by: str,
) -> list[str]:
    """Learn a mapping and release every held order it completes; returns their uids."""
    await repo.lock_listings(uow.conn, [key], exclusive=True)
    await repo.upsert_mapping(uow.conn, key, skus, created_by)
    held = await repo.held_for_listing(uow.conn, key)
    if not held:
        return []
    still_waiting = {o.order.uid for o in await _match_orders_for_release(uow, held)}
    released = [o.order.uid for o in held if o.order.uid not in still_waiting]
    await repo.release(uow.conn, released)
    return released


async def _match_orders_for_release(
    uow: UnitOfWork, held: Sequence[OrderCollected]
) -> list[OrderCollected]:
    keys = [k for o in held for k in _mapping_keys(o)]
    known = await repo.load_mappings(uow.conn, keys)
    waiting: list[OrderCollected] = []
    for order in held:
        own_missing: list[ListingKey] = [
            (k[2], k[3]) for k in _mapping_keys(order) if k not in known
        ]
        if own_missing:
            await repo.set_missing(uow.conn, order.order.uid, own_missing)
            waiting.append(order)
    ready = [o for o in held if o not in waiting]
    await _match_orders(uow, ready)
    return waiting
