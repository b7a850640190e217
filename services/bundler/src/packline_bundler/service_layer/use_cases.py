"""Bundler use cases: join orders to their recipient's open bundle (or raise a review), seal,
and hand the changes that arrive (cancels, unmatches, allocations) to `changes`."""

import logging
import uuid
from collections.abc import Sequence
from datetime import timedelta

from packline_bundler.adapters import changes as changes_repo
from packline_bundler.adapters import repository as repo
from packline_bundler.adapters import reviews, settings
from packline_bundler.domain import review
from packline_bundler.domain.bundles import bundle_key, formed, is_solo, recipient_of
from packline_bundler.domain.sealing import SealSettings, seal_after
from packline_bundler.service_layer import changes, readdress
from packline_contracts import (
    Event,
    OrderCancelled,
    OrderMatched,
    OrderRecipientChanged,
    OrderUnmatched,
    StockAllocated,
    utcnow,
)
from packline_recipients import field_hashes
from packline_runtime import tombstones
from packline_runtime.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)


async def handle_events(uow: UnitOfWork, events: Sequence[Event], hold: timedelta) -> None:
    # shared, first: a person's decision about one of these sellers runs before or after us
    await repo.lock_sellers(uow.conn, [e.seller_id for e in events], exclusive=False)
    # a partial cancellation (lines named) is no cancellation of the order: the allocator and
    # the shipper apply its units
    cancels = [e.order.uid for e in events if isinstance(e, OrderCancelled) and not e.is_partial]
    if cancels:
        await changes.cancel(uow, cancels)
    unmatched = [e for e in events if isinstance(e, OrderUnmatched)]
    if unmatched:
        await changes.unmatch(uow, unmatched)
    allocated = [e for e in events if isinstance(e, StockAllocated)]
    if allocated:
        await changes.allocated(uow, allocated)
    orders = [e for e in events if isinstance(e, OrderMatched)]
    if orders:
        await join(uow, orders, hold)
    readdressed = [e for e in events if isinstance(e, OrderRecipientChanged)]
    if readdressed:

        async def rejoin(u: UnitOfWork, moved: Sequence[OrderMatched]) -> None:
            await join(u, moved, hold)

        await readdress.change(uow, readdressed, rejoin)


async def join(uow: UnitOfWork, orders: Sequence[OrderMatched], hold: timedelta) -> None:
    conn = uow.conn
    cancelled = await tombstones.cancelled_among(conn, [o.order.uid for o in orders])
    revoked = await changes_repo.revoked_among(conn, [o.event_id for o in orders])
    orders = [o for o in orders if o.order.uid not in cancelled and o.event_id not in revoked]
    orders = await readdress.apply_remembered(conn, orders)  # 배송지 변경 before it arrived
    sellers = {o.seller_id for o in orders}
    timing = await settings.seal_settings(conn, sellers)
    excluded = await settings.exclusions(conn, sellers)
    prepared = []
    for o in orders:
        never = excluded.get(o.seller_id, {})
        solo = is_solo(o, never.get("SKU", set()), never.get("MARKETPLACE", set()))
        hashes = field_hashes(o.seller_id, recipient_of(o))
        prepared.append((o, bundle_key(o), hashes, solo))
    await repo.lock_recipients(conn, [h for _, _, hs, solo in prepared if not solo for h in hs])
    groups: dict[str, str] = {}
    for seller in sellers:
        keys = [k for o, k, _, _ in prepared if o.seller_id == seller]
        groups.update(await reviews.group_keys(conn, seller, keys))
    now = utcnow()

    def group_of(o: OrderMatched, key: str, solo: bool) -> str:
        return f"solo:{o.order.uid}" if solo else groups[key]

    # one group at a time, in a fixed order, so two replicas never deadlock on bundle rows
    for o, key, hashes, solo in sorted(
        prepared, key=lambda p: (group_of(p[0], p[1], p[3]), p[0].order.uid)
    ):
        group = group_of(o, key, solo)
        when = seal_after(timing.get(o.seller_id, SealSettings()), now, hold)
        bundle_id = await repo.open_bundle_for(conn, o.seller_id, group, o.recipient_key, when)
        if await repo.add_member(conn, bundle_id, o, key, hashes) and not solo:
            await _raise_reviews(uow, o, key, group, bundle_id, hashes)


async def _raise_reviews(
    uow: UnitOfWork,
    order: OrderMatched,
    key: str,
    group: str,
    bundle_id: uuid.UUID,
    hashes: Sequence[str],
) -> None:
    """확인필요: open bundles of recipients close to this one wait for a person's decision,
    unless a person already decided about this pair (then the decision stands)."""
    for other in await repo.candidates(uow.conn, order.seller_id, hashes, group):
        pair = review.pair(key, other["recipient_bundle_key"])
        if pair[0] == pair[1] or await reviews.decided(uow.conn, order.seller_id, pair):
            continue
        found = review.needs_review(order, other["event"])
        if found is None:
            continue
        mine: tuple[uuid.UUID, str] = (bundle_id, order.order.uid)
        theirs: tuple[uuid.UUID, str] = (other["bundle_id"], other["event"].order.uid)
        first, second = (mine, theirs) if pair[0] == key else (theirs, mine)
        await reviews.open_review(
            uow.conn,
            order.seller_id,
            pair,
            (first[0], second[0]),
            (first[1], second[1]),
            review.fields(found),
        )


async def seal(
    uow: UnitOfWork, *, limit: int = 200, seller_id: str | None = None, now: bool = False
) -> int:
    """Seal due bundles (or all of a seller's when `now`, the console's 합포처리 button)."""
    bundle_ids = await repo.claim_due(uow.conn, limit, seller_id=seller_id, now=now)
    if not bundle_ids:
        return 0
    members = await repo.members_of(uow.conn, bundle_ids)
    sealed, emptied = [], []
    for bundle_id in bundle_ids:
        if members[bundle_id]:
            event = formed(bundle_id, members[bundle_id])
            uow.emit(event)
            await changes_repo.record_sealed(
                uow.conn, bundle_id, 1, event.separate_invoices, event.paid_at
            )
            sealed.append(bundle_id)
        else:
            emptied.append(bundle_id)
    await repo.set_status(uow.conn, sealed, "SEALED")
    await repo.set_status(uow.conn, emptied, "CANCELLED")
    return len(sealed)
