"""Bundler use cases: a batch of events, each kind handed to its handler through a table (event
type → handler, run in the table's order: cancels and unmatches before the orders they may
overtake, address changes after), and sealing. Orders join bundles in `joining`; cancels,
unmatches and allocations change bundles in `changes`, address changes in `readdress`."""

from collections.abc import Awaitable, Callable, Sequence
from datetime import timedelta
from typing import Any

from packline_bundler.adapters.unit_of_work import BundlerUnitOfWork
from packline_bundler.service_layer import changes, joining, readdress
from packline_contracts import (
    Event,
    OrderCancelled,
    OrderMatched,
    OrderRecipientChanged,
    OrderUnmatched,
    StockAllocated,
)
from packline_runtime.unit_of_work import UnitOfWork

Handler = Callable[[UnitOfWork, BundlerUnitOfWork, list[Any], timedelta], Awaitable[None]]


async def _cancelled(
    uow: UnitOfWork, work: BundlerUnitOfWork, events: list[OrderCancelled], hold: timedelta
) -> None:
    # a partial cancellation (lines named) is no cancellation of the order: the allocator and
    # the shipper apply its units
    uids = [e.order.uid for e in events if not e.is_partial]
    if uids:
        await changes.cancel(uow, uids)


async def _unmatched(
    uow: UnitOfWork, work: BundlerUnitOfWork, events: list[OrderUnmatched], hold: timedelta
) -> None:
    await changes.unmatch(uow, events)


async def _allocated(
    uow: UnitOfWork, work: BundlerUnitOfWork, events: list[StockAllocated], hold: timedelta
) -> None:
    await changes.allocated(uow, events)


async def _matched(
    uow: UnitOfWork, work: BundlerUnitOfWork, events: list[OrderMatched], hold: timedelta
) -> None:
    await joining.join(work, events, hold)


async def _readdressed(
    uow: UnitOfWork, work: BundlerUnitOfWork, events: list[OrderRecipientChanged], hold: timedelta
) -> None:
    async def rejoin(u: UnitOfWork, moved: Sequence[OrderMatched]) -> None:
        await joining.join(work, moved, hold)

    await readdress.change(uow, events, rejoin)


HANDLERS: dict[type[Event], Handler] = {
    OrderCancelled: _cancelled,
    OrderUnmatched: _unmatched,
    StockAllocated: _allocated,
    OrderMatched: _matched,
    OrderRecipientChanged: _readdressed,
}


async def handle_events(uow: UnitOfWork, events: Sequence[Event], hold: timedelta) -> None:
    work = BundlerUnitOfWork(uow)
    # shared, first: a person's decision about one of these sellers runs before or after us
    await work.bundles.lock_sellers(e.seller_id for e in events)
    by_kind: dict[type[Event], list[Event]] = {kind: [] for kind in HANDLERS}
    for event in events:  # in arrival order within each kind
        by_kind[type(event)].append(event)
    for kind, handler in HANDLERS.items():
        if by_kind[kind]:
            await handler(uow, work, by_kind[kind], hold)


async def seal(
    uow: UnitOfWork, *, limit: int = 200, seller_id: str | None = None, now: bool = False
) -> int:
    """Seal due bundles (or all of a seller's when `now`, the console's 합포처리 button)."""
    return await joining.seal(BundlerUnitOfWork(uow), limit=limit, seller_id=seller_id, now=now)
