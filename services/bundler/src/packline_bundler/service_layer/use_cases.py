"""Bundler use cases: a batch of events, each kind handed to its handler through a table (event
type → handler, run in the table's order: cancels and unmatches before the orders they may
overtake, address changes after), and sealing. Orders join bundles in `joining`; cancels,
unmatches and allocations change bundles in `changes`, address changes in `readdress`. And a
person's requests: review decisions, unmerge, settings. Each runs on the BundlerUnitOfWork's
repositories (service_layer/ports.py)."""

import uuid
from collections.abc import Awaitable, Callable, Sequence
from datetime import timedelta
from typing import Any

from packline_bundler.adapters.unit_of_work import BundlerUnitOfWork
from packline_bundler.domain.sealing import SealSettings
from packline_bundler.service_layer import changes, configure, joining, readdress, review_decisions
from packline_bundler.service_layer.ports import Work
from packline_contracts import (
    Event,
    OrderCancelled,
    OrderMatched,
    OrderRecipientChanged,
    OrderUnmatched,
    StockAllocated,
)
from packline_runtime.unit_of_work import UnitOfWork

Handler = Callable[[Work, list[Any], timedelta], Awaitable[None]]


async def _cancelled(work: Work, events: list[OrderCancelled], hold: timedelta) -> None:
    # a partial cancellation (lines named) is no cancellation of the order: the allocator and
    # the shipper apply its units
    uids = [e.order.uid for e in events if not e.is_partial]
    if uids:
        await changes.cancel(work, uids)


async def _unmatched(work: Work, events: list[OrderUnmatched], hold: timedelta) -> None:
    await changes.unmatch(work, events)


async def _allocated(work: Work, events: list[StockAllocated], hold: timedelta) -> None:
    await changes.allocated(work, events)


async def _matched(work: Work, events: list[OrderMatched], hold: timedelta) -> None:
    await joining.join(work, events, hold)


async def _readdressed(work: Work, events: list[OrderRecipientChanged], hold: timedelta) -> None:
    async def rejoin(moved: Sequence[OrderMatched]) -> None:
        await joining.join(work, moved, hold)

    await readdress.change(work, events, rejoin)


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
            await handler(work, by_kind[kind], hold)


async def seal(
    uow: UnitOfWork, *, limit: int = 200, seller_id: str | None = None, now: bool = False
) -> int:
    """Seal due bundles (or all of a seller's when `now`, the console's 합포처리 button)."""
    return await joining.seal(BundlerUnitOfWork(uow), limit=limit, seller_id=seller_id, now=now)


# a person's requests (entrypoints/review_http.py, settings_http.py), one transaction each


async def decide(
    uow: UnitOfWork, seller_id: str, review_id: int, merge: bool, by: str, reason: str
) -> None:
    """확인필요 answered: merge the pair's bundles, or keep them apart."""
    await review_decisions.decide(BundlerUnitOfWork(uow), seller_id, review_id, merge, by, reason)


async def unmerge(
    uow: UnitOfWork, seller_id: str, bundle_id: uuid.UUID, uids: Sequence[str], by: str, why: str
) -> uuid.UUID:
    """합포 해제 of a sealed bundle; returns the new bundle's id."""
    return await changes.unmerge(BundlerUnitOfWork(uow), seller_id, bundle_id, uids, by, why)


async def sealing(
    uow: UnitOfWork, seller_id: str, rule: SealSettings, default_hold: timedelta, by: str, why: str
) -> int:
    return await configure.sealing(BundlerUnitOfWork(uow), seller_id, rule, default_hold, by, why)


async def exclusion(
    uow: UnitOfWork, seller_id: str, kind: str, value: str, exclude: bool, by: str, why: str
) -> bool:
    work = BundlerUnitOfWork(uow)
    return await configure.exclusion(work, seller_id, kind, value, exclude, by, why)
