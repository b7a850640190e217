"""Changes after an order joined a bundle: cancels (취소), unmatches (a deleted mapping),
allocations (the point of no return) and a person's unmerge. A sealed bundle not yet allocated
is revised (BundleFormed, same id, next revision); an allocated one stays as it is. Every
bundle a batch touches is loaded locked with its members at once (`work.bundles.hold`), the
rules run on the Bundle aggregates (domain/bundle.py), and what changed is written back
set-based."""

import uuid
from collections.abc import Iterable, Sequence

from packline_bundler.domain.bundle import Bundle, Leaving, Refused
from packline_bundler.service_layer.ports import Work
from packline_contracts import OrderUnmatched, StockAllocated, utcnow

__all__ = ["Refused", "allocated", "cancel", "lapse_reviews", "save", "unmatch", "unmerge"]


async def lapse_reviews(work: Work, uids: Sequence[str]) -> None:
    """A pending review about an order that left (cancelled, unmatched, readdressed out of an
    open bundle) no longer holds."""
    if not uids:
        return
    reviews = await work.reviews.pending_for_orders(uids)
    now = utcnow()
    for review in reviews:
        review.obsolete(now)
    await work.reviews.save(reviews)


async def save(work: Work, bundles: Iterable[Bundle]) -> None:
    """Emit each sealed bundle a change took members from again (in bundle order; with none
    left it is dissolved), then write every bundle back."""
    ordered = sorted(bundles, key=lambda b: b.bundle_id)
    for bundle in ordered:
        if bundle.to_revise:
            work.emit(bundle.revise())
    await work.bundles.save(ordered)


async def cancel(work: Work, uids: list[str]) -> None:
    """An open bundle loses the order; a sealed, unallocated one is revised. The allocator
    releases stock on OrderCancelled itself: a revision only drops a member there."""
    await work.orders.record_cancelled(uids)
    await lapse_reviews(work, uids)
    held = await work.bundles.hold(orders=uids)
    for uid in uids:
        bundle = held.of(uid)
        if bundle is not None:
            bundle.cancel_order(uid)
    await save(work, held)


async def unmatch(work: Work, events: Sequence[OrderUnmatched]) -> None:
    """Withdraw the OrderMatched each event names, unless a newer match replaced it or the
    bundle is allocated (allocation wins; the matcher learns it from StockAllocated)."""
    await work.orders.revoke([(e.matched_event_id, e.order.uid) for e in events])
    held = await work.bundles.hold(orders=[e.order.uid for e in events])
    leaving_open = []
    for event in events:
        bundle = held.of(event.order.uid)
        if bundle is None:
            continue
        if bundle.unmatch(event.order.uid, event.matched_event_id) is Leaving.OPEN:
            leaving_open.append(event.order.uid)
    await lapse_reviews(work, leaving_open)
    await save(work, held)


async def allocated(work: Work, events: Sequence[StockAllocated]) -> None:
    """Allocated bundles are final here. A member a change took out after the allocator had
    already reserved it comes back, and the record says so."""
    held = await work.bundles.hold(
        ids=[e.bundle_id for e in events],
        orders=[m.order.uid for e in events for m in e.members],
    )
    for event in events:
        if event.bundle_id in held.by_id:
            held.by_id[event.bundle_id].allocate()
    for event in events:
        if event.bundle_id not in held.by_id:
            continue
        back = held.reclaim(event.bundle_id, [m.order.uid for m in event.members])
        if back:
            await work.decisions.record(
                event.seller_id,
                "ALLOCATED_BEFORE_CHANGE",
                {"bundle_id": str(event.bundle_id), "orders": back},
                "system",
                "the allocator reserved stock before the change reached it;"
                " the box ships as allocated",
            )
    await work.bundles.save(held)


async def unmerge(
    work: Work,
    seller_id: str,
    bundle_id: uuid.UUID,
    uids: Sequence[str],
    by: str,
    reason: str,
) -> uuid.UUID:
    """Split orders off the seller's sealed, unallocated bundle into a bundle of their own;
    another seller's bundle is answered as a missing one."""
    if not await work.bundles.is_sellers(seller_id, bundle_id):
        raise LookupError(f"no bundle {bundle_id}")
    await work.bundles.lock_sellers([seller_id], exclusive=True)  # as decisions do
    bundle = (await work.bundles.hold(ids=[bundle_id])).by_id.get(bundle_id)
    if bundle is None:
        raise LookupError(f"no bundle {bundle_id}")
    split, formed = bundle.unmerge(uids)
    work.emit(bundle.revise())  # the bundle's revision first, then the box split off
    work.emit(formed)
    await work.bundles.save([bundle, split])
    await work.decisions.record(
        bundle.seller_id,
        "UNMERGE",
        {
            "bundle_id": str(bundle_id),
            "new_bundle_id": str(split.bundle_id),
            "orders": sorted(uids),
        },
        by,
        reason,
    )
    return split.bundle_id
