"""Bundles arriving (BundleFormed): new ones are stored; a revision of a stored, still waiting
bundle replaces it (members that left drop out); a bundle's members still waiting in an older
bundle move to it. Only WAITING bundles change: they hold no reservation."""

import uuid
from collections.abc import Sequence

from packline_allocator.domain.order_stock import BundleStatus
from packline_allocator.service_layer.ports import Work
from packline_contracts import BundleFormed


async def take_in(work: Work, formed: Sequence[BundleFormed]) -> set[uuid.UUID]:
    """Returns the bundles whose orders or demand changed (new, revised, left by members)."""
    known = await work.intake.stored_revisions([b.bundle_id for b in formed])
    newest: dict[uuid.UUID, BundleFormed] = {}
    for b in formed:
        if b.bundle_id not in newest or b.revision > newest[b.bundle_id].revision:
            newest[b.bundle_id] = b
    fresh = [b for b in newest.values() if b.bundle_id not in known]
    revised = [
        b
        for b in newest.values()
        if b.bundle_id in known
        and known[b.bundle_id][0] is BundleStatus.WAITING
        and b.revision > known[b.bundle_id][1]
    ]
    for b in revised:
        await work.intake.apply_revision(b)
    cancelled = await work.orders.cancelled_among([m.order.uid for b in fresh for m in b.members])
    await work.intake.insert(fresh, cancelled)
    touched = {b.bundle_id for b in [*fresh, *revised]}
    if fresh:
        touched.update(await work.intake.adopt(fresh))
    await work.orders.settle(sorted(touched))
    await work.intake.settle_empty(sorted(touched))
    return touched
