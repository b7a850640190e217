"""Orders are matched a batch at a time: the mappings and catalogue SKUs the whole batch could
use are loaded in one query each, every order is matched in memory (domain/matching.py), and
what follows is written back set-based: the orders matched (a redelivered one only once) and
the queue entries of those that wait, naming what is missing."""

from collections.abc import Mapping, Sequence

from packline_contracts import OrderCollected
from packline_matcher.domain import queue
from packline_matcher.domain.matching import mapping_keys, match_all, sku_codes
from packline_matcher.domain.queue import HeldOrder
from packline_matcher.service_layer.ports import Work


async def match_orders(
    work: Work,
    orders: Sequence[OrderCollected],
    queued: Mapping[str, HeldOrder] | None = None,
) -> list[OrderCollected]:
    """Emit OrderMatched for orders that fully resolve; hold the rest, naming what is missing.
    `queued`: the queue entries of these orders, when the caller loaded them already. Returns
    the orders held. Callers hold the listing locks of these orders."""
    known = await work.mappings.get_many(mapping_keys(orders))
    skus = await work.catalogue.known_pairs(sku_codes(orders))
    batch = match_all(orders, known, skus)
    fresh = await work.matched.record(batch.matched)
    for order, result in batch.matched:
        if order.order.uid in fresh:
            fresh.discard(order.order.uid)  # twice in one batch: matched once
            work.emit(result.event)
    if batch.waiting:
        if queued is None:
            queued = await work.queue.among({o.order.uid for o, _ in batch.waiting})
        await work.queue.save(queue.hold(batch.waiting, dict(queued)))
    return [o for o, _ in batch.waiting]
