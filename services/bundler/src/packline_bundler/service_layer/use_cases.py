"""Bundler use cases: join orders to their recipient's open bundle, seal, honour cancels."""

import logging
from collections.abc import Sequence
from datetime import timedelta

from packline_bundler.adapters import repository as repo
from packline_bundler.domain.bundles import bundle_key, formed
from packline_contracts import Event, OrderCancelled, OrderMatched, utcnow
from packline_runtime import tombstones
from packline_runtime.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)


async def handle_events(uow: UnitOfWork, events: Sequence[Event], hold: timedelta) -> None:
    cancels = [e.order.uid for e in events if isinstance(e, OrderCancelled)]
    if cancels:
        await tombstones.record(uow.conn, cancels)
        await repo.leave_open_bundles(uow.conn, cancels)
        await repo.mark_cancelled(uow.conn, cancels)
    orders = [e for e in events if isinstance(e, OrderMatched)]
    if not orders:
        return
    cancelled = await tombstones.cancelled_among(uow.conn, [o.order.uid for o in orders])
    seal_after = utcnow() + hold
    # one recipient at a time, in a fixed order, so two replicas never deadlock on bundle rows
    for order in sorted(orders, key=lambda o: (bundle_key(o), o.order.uid)):
        if order.order.uid in cancelled:
            continue
        bundle_id = await repo.open_bundle_for(uow.conn, order, bundle_key(order), seal_after)
        await repo.add_member(uow.conn, bundle_id, order)


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
            uow.emit(formed(bundle_id, members[bundle_id]))
            sealed.append(bundle_id)
        else:
            emptied.append(bundle_id)
    await repo.set_status(uow.conn, sealed, "SEALED")
    await repo.set_status(uow.conn, emptied, "CANCELLED")
    return len(sealed)
