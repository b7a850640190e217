"""Matcher use cases: match collected orders, hold the rest, learn and forget mappings,
honour cancels, and note which orders are allocated (past the point of unmatching)."""

from collections.abc import Sequence

from packline_contracts import (
    Event,
    OrderCancelled,
    OrderCollected,
    OrderRecipientChanged,
    OrderUnmatched,
    SkuLine,
    StockAllocated,
)
from packline_matcher.adapters import catalogue, recipients
from packline_matcher.adapters import repository as repo
from packline_matcher.adapters import unmatching as unrepo
from packline_matcher.domain.matching import Matched, listing_keys, match
from packline_runtime import decisions, tombstones
from packline_runtime.unit_of_work import UnitOfWork


class UnknownSkus(ValueError):
    """A mapping names SKUs the seller's catalogue does not have."""


class MappingNotFound(LookupError):
    pass


def _mapping_keys(order: OrderCollected) -> list[repo.MappingKey]:
    m = order.order.marketplace.value
    return [(order.seller_id, m, listing, option) for listing, option in listing_keys(order)]


async def _match_orders(uow: UnitOfWork, orders: Sequence[OrderCollected]) -> list[OrderCollected]:
    """Emit OrderMatched for orders that fully resolve; hold the rest, naming what is missing.
    Returns the orders held."""
    known = await repo.load_mappings(uow.conn, [k for o in orders for k in _mapping_keys(o)])
    codes = {(o.seller_id, li.seller_sku_code) for o in orders for li in o.lines}
    skus = await catalogue.known_pairs(uow.conn, [c for c in codes if c[1]])
    matched: list[tuple[OrderCollected, Matched]] = []
    waiting = []
    for order in orders:
        mp = order.order.marketplace.value
        own = {(k[2], k[3]): s for k, s in known.items() if k[0] == order.seller_id and k[1] == mp}
        own_skus = {sku for seller, sku in skus if seller == order.seller_id}
        result = match(order, own, own_skus)
        if isinstance(result, list):
            waiting.append((order, result))
        else:
            matched.append((order, result))
    fresh = await repo.record_matched(uow.conn, matched)
    for order, result in matched:
        if order.order.uid in fresh:
            uow.emit(result.event)
    for order, missing in waiting:
        await repo.hold(uow.conn, order, missing)
    return [o for o, _ in waiting]


async def handle_events(uow: UnitOfWork, events: Sequence[Event]) -> None:
    orders = [e for e in events if isinstance(e, OrderCollected)]
    # The batch's listing locks come before any row it touches (a cancel deletes held rows),
    # as in a person's add or delete of a mapping: lock, then rows. Otherwise the two wait
    # for each other and PostgreSQL kills one.
    await repo.lock_listings(
        uow.conn, [k for o in orders for k in _mapping_keys(o)], exclusive=False
    )
    # a partial cancellation (lines named) is no cancellation of the order: the allocator and
    # the shipper apply its units
    cancels = [e.order.uid for e in events if isinstance(e, OrderCancelled) and not e.is_partial]
    if cancels:
        await tombstones.record(uow.conn, cancels)
        await repo.release(uow.conn, cancels)  # a cancelled order leaves the unmatched queue
    allocated = [m.order.uid for e in events if isinstance(e, StockAllocated) for m in e.members]
    if allocated:
        await _note_allocated(uow, allocated)
    if orders:
        await _collect(uow, orders)
    # After the batch's OrderCollected: a change may follow its order within one batch. An
    # order already matched needs nothing more; the bundler receives the change itself.
    changes = [e for e in events if isinstance(e, OrderRecipientChanged)]
    if changes:
        await recipients.apply(uow.conn, changes)


async def _collect(uow: UnitOfWork, orders: list[OrderCollected]) -> None:
    cancelled = await tombstones.cancelled_among(uow.conn, [o.order.uid for o in orders])
    orders = [o for o in orders if o.order.uid not in cancelled]
    await _match_orders(uow, orders)  # under the listing locks `handle_events` took first


async def _note_allocated(uow: UnitOfWork, uids: list[str]) -> None:
    """Allocated orders can no longer be unmatched. One that went back to the queue because
    its mapping was deleted while the allocator was already reserving it ships as allocated:
    it leaves the queue, and the record says why."""
    await unrepo.mark_allocated(uow.conn, uids)
    late = await unrepo.held_among(uow.conn, uids)
    if not late:
        return
    await repo.release(uow.conn, [o.order.uid for o in late])
    await unrepo.record_allocated(uow.conn, late)
    for order in late:
        await decisions.record(
            uow.conn,
            order.seller_id,
            "ALLOCATED_BEFORE_UNMATCH",
            {"order": order.order.uid},
            "system",
            "allocated before the mapping deletion reached the allocator; ships as allocated",
        )


async def add_mapping(
    uow: UnitOfWork,
    key: repo.MappingKey,
    skus: Sequence[SkuLine],
    created_by: str,
    reason: str = "",
) -> list[str]:
    """Learn a mapping and release every held order it completes; returns their uids."""
    unknown = {s.sku for s in skus} - await catalogue.known_skus(
        uow.conn, key[0], [s.sku for s in skus]
    )
    if unknown:
        raise UnknownSkus(
            f"SKU(s) {', '.join(sorted(unknown))} are not in seller {key[0]}'s catalogue; "
            "add them with POST /catalogue or /catalogue/import first"
        )
    await repo.lock_listings(uow.conn, [key], exclusive=True)
    await repo.upsert_mapping(uow.conn, key, skus, created_by)
    held = await repo.held_for_listing(uow.conn, key)
    still_waiting = {o.order.uid for o in await _match_orders(uow, held)} if held else set()
    released = [o.order.uid for o in held if o.order.uid not in still_waiting]
    await repo.release(uow.conn, released)
    await decisions.record(
        uow.conn,
        key[0],
        "MATCH",
        {
            "marketplace": key[1],
            "listing_id": key[2],
            "option_id": key[3],
            "skus": [s.model_dump() for s in skus],
            "released_orders": released,
        },
        created_by,
        reason,
    )
    return released


async def delete_mapping(
    uow: UnitOfWork, key: repo.MappingKey, decided_by: str, reason: str
) -> list[str]:
    """Forget a wrong mapping. Orders it matched that are not allocated are withdrawn
    (OrderUnmatched) and matched again without it: most go back to the queue."""
    await repo.lock_listings(uow.conn, [key], exclusive=True)
    skus = await unrepo.delete_mapping(uow.conn, key)
    if skus is None:
        raise MappingNotFound(f"no mapping for {key[1]} listing {key[2]} option '{key[3]}'")
    affected = await unrepo.matched_by(uow.conn, key)
    cancelled = await tombstones.cancelled_among(uow.conn, [o.order.uid for o, _ in affected])
    affected = [(o, m) for o, m in affected if o.order.uid not in cancelled]
    await unrepo.forget_matched(uow.conn, [o.order.uid for o, _ in affected])
    for order, matched_event_id in affected:
        uow.emit(
            OrderUnmatched(
                **order.follow_up(),
                order=order.order,
                recipient_key=order.recipient_key,
                matched_event_id=matched_event_id,
                listing_id=key[2],
                option_id=key[3],
                reason=reason[:300],
            )
        )
    await _match_orders(uow, [o for o, _ in affected])
    uids = [o.order.uid for o, _ in affected]
    await decisions.record(
        uow.conn,
        key[0],
        "MAPPING_DELETE",
        {
            "marketplace": key[1],
            "listing_id": key[2],
            "option_id": key[3],
            "skus": [s.model_dump() for s in skus],
            "unmatched_orders": uids,
        },
        decided_by,
        reason,
    )
    return uids
