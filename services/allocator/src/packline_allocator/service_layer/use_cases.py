"""Allocator use cases: take in bundles, run allocation waves, release stock when the shipper
says a cancellation took effect, take shipped stock out. The service layer sees the unit of
work's repositories and the domain's aggregates only (design § 6)."""

from collections.abc import Mapping, Sequence

from packline_allocator.adapters.unit_of_work import AllocatorUnitOfWork
from packline_allocator.service_layer import intake, stock_moves, waves
from packline_allocator.service_layer.batch import Batch
from packline_allocator.service_layer.ports import Work
from packline_contracts import Event
from packline_runtime.unit_of_work import UnitOfWork


async def handle_events(uow: UnitOfWork, events: Sequence[Event]) -> None:
    await handle(AllocatorUnitOfWork(uow), events)


async def handle(work: Work, events: Sequence[Event]) -> None:
    """One batch, in one transaction: every step loads what the whole batch touches at once."""
    await work.stock.lock_sellers({e.seller_id for e in events})
    batch = Batch.of(events)
    if batch.partial:  # first: a partial cancel may overtake its bundle
        await stock_moves.partial_claims(work, batch.partial)
    if batch.cancels:
        await stock_moves.hear_cancels(work, batch, batch.cancels)
    if batch.took_effect:
        await stock_moves.cancels_took_effect(work, batch, batch.took_effect)
    if batch.formed:
        batch.bundles.update(await intake.take_in(work, batch.formed))
    if batch.shipped:
        await stock_moves.stock_out(work, batch, batch.shipped)
    # after the shipments: a shipped order's units are never released
    touched = [e.order.uid for e in batch.partial]
    touched += [m.order.uid for e in batch.formed for m in e.members]
    if touched:
        await stock_moves.shrink_partly_cancelled(work, batch, touched)
    # a wave looks only at SKUs whose availability changed: released stock, and what the
    # bundles that arrived, were revised or lost orders need
    if batch.bundles:
        for seller, skus in (await work.bundles.skus_needed(batch.bundles)).items():
            batch.skus[seller] |= skus
    for seller in sorted(batch.skus):
        await waves.allocation_wave(work, seller, batch.skus[seller])


async def set_stock(uow: UnitOfWork, seller_id: str, levels: Mapping[str, int]) -> int:
    """Set on-hand quantities (all or nothing), then allocate what now fits."""
    return await waves.set_stock(AllocatorUnitOfWork(uow), seller_id, levels)


async def run_wave_now(uow: UnitOfWork, seller_id: str) -> int:
    """할당처리: the console's button."""
    return await waves.run_wave_now(AllocatorUnitOfWork(uow), seller_id)
