"""Matcher use cases: a batch of events, each kind handed to its handler through a table (event
type → handler, run in the table's order: cancels and allocations before the orders they may
overtake, address changes after); and a person's mappings, added or deleted. The service layer
sees the unit of work's repositories and the domain's objects only (design § 6): orders are
matched in `matching`, mappings learnt and forgotten in `mappings`."""

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from packline_contracts import (
    Event,
    OrderCancelled,
    OrderCollected,
    OrderRecipientChanged,
    SkuLine,
    StockAllocated,
)
from packline_matcher.adapters.unit_of_work import MatcherUnitOfWork
from packline_matcher.domain.mappings import MappingNotFound, UnknownSkus
from packline_matcher.domain.matching import MappingKey, mapping_keys
from packline_matcher.domain.queue import latest_changes
from packline_matcher.service_layer import mappings
from packline_matcher.service_layer.matching import match_orders
from packline_matcher.service_layer.ports import Work
from packline_runtime.unit_of_work import UnitOfWork

__all__ = ["MappingNotFound", "UnknownSkus", "add_mapping", "delete_mapping", "handle_events"]

Handler = Callable[[Work, list[Any]], Awaitable[None]]


async def _cancelled(work: Work, events: list[OrderCancelled]) -> None:
    # a partial cancellation (lines named) is no cancellation of the order: the allocator and
    # the shipper apply its units
    uids = [e.order.uid for e in events if not e.is_partial]
    if uids:
        await work.orders.record_cancelled(uids)
        await work.queue.release(uids)  # a cancelled order leaves the unmatched queue


async def _allocated(work: Work, events: list[StockAllocated]) -> None:
    uids = [m.order.uid for e in events for m in e.members]
    if uids:
        await mappings.note_allocated(work, uids)


async def _collected(work: Work, orders: list[OrderCollected]) -> None:
    # after the batch's cancels: an order whose cancel came first (tombstoned) is never matched
    cancelled = await work.orders.cancelled_among([o.order.uid for o in orders])
    orders = [o for o in orders if o.order.uid not in cancelled]
    await match_orders(work, orders)  # under the listing locks `handle` took first


async def _readdressed(work: Work, events: list[OrderRecipientChanged]) -> None:
    # After the batch's OrderCollected: a change may follow its order within one batch. An
    # order already matched needs nothing more; the bundler receives the change itself.
    await work.orders.readdress(latest_changes(events))


HANDLERS: dict[type[Event], Handler] = {
    OrderCancelled: _cancelled,
    StockAllocated: _allocated,
    OrderCollected: _collected,
    OrderRecipientChanged: _readdressed,
}


async def handle(work: Work, events: Sequence[Event]) -> None:
    """One batch, in one transaction: each kind of event in the table's order."""
    by_kind: dict[type[Event], list[Any]] = {kind: [] for kind in HANDLERS}
    for event in events:  # in arrival order within each kind
        if type(event) in by_kind:
            by_kind[type(event)].append(event)
    # The batch's listing locks come before any row it touches (a cancel deletes held rows),
    # as in a person's add or delete of a mapping: lock, then rows. Otherwise the two wait
    # for each other and PostgreSQL kills one.
    await work.mappings.lock_listings(mapping_keys(by_kind[OrderCollected]), exclusive=False)
    for kind, handler in HANDLERS.items():
        if by_kind[kind]:
            await handler(work, by_kind[kind])


async def handle_events(uow: UnitOfWork, events: Sequence[Event]) -> None:
    await handle(MatcherUnitOfWork(uow), events)


async def add_mapping(
    uow: UnitOfWork,
    key: MappingKey,
    skus: Sequence[SkuLine],
    created_by: str,
    reason: str = "",
) -> list[str]:
    """Learn a mapping and release every held order it completes; returns their uids."""
    return await mappings.add_mapping(MatcherUnitOfWork(uow), key, skus, created_by, reason)


async def delete_mapping(
    uow: UnitOfWork, key: MappingKey, decided_by: str, reason: str
) -> list[str]:
    """Forget a wrong mapping: orders it matched that are not allocated are withdrawn."""
    return await mappings.delete_mapping(MatcherUnitOfWork(uow), key, decided_by, reason)
