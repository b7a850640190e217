"""A person's mappings (매칭): learning one releases every held order it completes; deleting a
wrong one withdraws the unallocated orders it matched and matches them again without it (most
go back to the queue). An allocation that beat the deletion keeps its order out of the queue.
Every decision is recorded (domain/mappings.py)."""

from collections.abc import Sequence

from packline_contracts import SkuLine
from packline_matcher.domain import mappings
from packline_matcher.domain.matching import MappingKey
from packline_matcher.service_layer.matching import match_orders
from packline_matcher.service_layer.ports import Work


async def add_mapping(
    work: Work, key: MappingKey, skus: Sequence[SkuLine], created_by: str, reason: str = ""
) -> list[str]:
    """Learn a mapping and release every held order it completes; returns their uids. Raises
    UnknownSkus for a SKU the seller's catalogue does not have."""
    mappings.check_skus(key, skus, await work.catalogue.known_skus(key[0], [s.sku for s in skus]))
    await work.mappings.lock_listings([key], exclusive=True)
    await work.mappings.put(key, skus, created_by)
    held = await work.queue.for_listing(key)
    still_waiting: set[str] = set()
    if held:
        queued = {h.uid: h for h in held}
        waiting = await match_orders(work, [h.order for h in held], queued)
        still_waiting = {o.order.uid for o in waiting}
    released = [h.uid for h in held if h.uid not in still_waiting]
    await work.queue.release(released)
    await work.decisions.record([mappings.added(key, skus, released, created_by, reason)])
    return released


async def delete_mapping(work: Work, key: MappingKey, decided_by: str, reason: str) -> list[str]:
    """Forget a wrong mapping. Orders it matched that are not allocated (nor cancelled) are
    withdrawn (OrderUnmatched) and matched again without it. Raises MappingNotFound."""
    await work.mappings.lock_listings([key], exclusive=True)
    skus = await work.mappings.delete(key)
    if skus is None:
        raise mappings.not_found(key)
    affected = await work.matched.matched_by(key)
    cancelled = await work.orders.cancelled_among([o.order.uid for o, _ in affected])
    affected = [(o, m) for o, m in affected if o.order.uid not in cancelled]
    uids = [o.order.uid for o, _ in affected]
    await work.matched.forget(uids)
    for order, matched_event_id in affected:
        work.emit(mappings.withdraw(order, matched_event_id, key, reason))
    await match_orders(work, [o for o, _ in affected])
    await work.decisions.record([mappings.deleted(key, skus, uids, decided_by, reason)])
    return uids


async def note_allocated(work: Work, uids: Sequence[str]) -> None:
    """Allocated orders can no longer be unmatched. One that went back to the queue because
    its mapping was deleted while the allocator was already reserving it ships as allocated:
    it leaves the queue, and the record says why."""
    await work.matched.mark_allocated(uids)
    late = await work.queue.among(set(uids))
    if not late:
        return
    orders = [late[uid].order for uid in sorted(late)]
    await work.queue.release([o.order.uid for o in orders])
    await work.matched.record_allocated(orders)
    await work.decisions.record([mappings.allocated_before_unmatch(o) for o in orders])
