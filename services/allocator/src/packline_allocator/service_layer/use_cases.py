"""Allocator use cases: take in bundles, run allocation waves, release stock when the shipper
says a cancellation took effect, take shipped stock out. The service layer sees the unit of
work's repositories and the domain's aggregates only (design § 6)."""

from collections.abc import Mapping, Sequence
from datetime import datetime

from packline_allocator.adapters.unit_of_work import AllocatorUnitOfWork
from packline_allocator.domain.movements import MoveLine, MovementReason
from packline_allocator.domain.stock_sheet import SheetLine
from packline_allocator.domain.wave_modes import WaveSchedule
from packline_allocator.service_layer import intake, stock_changes, stock_moves, stock_upload, waves
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
    # A wave looks at the bundles needing SKUs whose availability grew (released stock) and at
    # the bundles that arrived, were revised or lost orders. Not at the others waiting on their
    # SKUs: after every wave none of them fits, and with no more stock available none does now
    # (a full wave would decide the same), so a queue short of a SKU is not read at every batch.
    arrived = await work.bundles.waiting_by_seller(batch.bundles) if batch.bundles else {}
    for seller in sorted(set(batch.skus) | set(arrived)):
        await waves.allocation_wave(
            work, seller, batch.skus.get(seller, set()), among=arrived.get(seller, set())
        )


async def set_stock(
    uow: UnitOfWork, seller_id: str, levels: Mapping[str, int], by: str = ""
) -> int:
    """Set on-hand quantities (실사: all or nothing, each with its audit row), then allocate
    what now fits."""
    return await stock_changes.set_levels(AllocatorUnitOfWork(uow), seller_id, levels, by)


async def move_stock(
    uow: UnitOfWork, seller_id: str, reason: MovementReason, lines: Sequence[MoveLine], by: str
) -> stock_changes.Moved:
    """입고 / 조정 / 반품 재입고 / 실사: all or nothing, audited, then a wave."""
    return await stock_changes.move_stock(AllocatorUnitOfWork(uow), seller_id, reason, lines, by)


async def set_safety(
    uow: UnitOfWork, seller_id: str, lines: Sequence[MoveLine], by: str
) -> stock_changes.Moved:
    return await stock_changes.set_safety(AllocatorUnitOfWork(uow), seller_id, lines, by)


async def release_safety(
    uow: UnitOfWork, seller_id: str, skus: Sequence[str], by: str, note: str = ""
) -> stock_changes.Moved:
    return await stock_changes.release_safety(AllocatorUnitOfWork(uow), seller_id, skus, by, note)


async def run_wave_now(uow: UnitOfWork, seller_id: str) -> int:
    """할당처리: the console's button."""
    return await waves.run_wave_now(AllocatorUnitOfWork(uow), seller_id)


async def upload_stock(
    uow: UnitOfWork, seller_id: str, reason: MovementReason, found: Sequence[SheetLine], by: str
) -> stock_changes.Moved:
    """재고 업로드: a checked file's lines as one batch (SheetRejected names refused rows)."""
    return await stock_upload.apply_sheet(AllocatorUnitOfWork(uow), seller_id, reason, found, by)


async def wave_mode(uow: UnitOfWork, seller_id: str) -> WaveSchedule:
    return (await AllocatorUnitOfWork(uow).wave_modes.of([seller_id]))[seller_id]


async def set_wave_mode(uow: UnitOfWork, seller_id: str, schedule: WaveSchedule, by: str) -> None:
    """연속 / 수동 / 예약: how the seller's waves run from now on."""
    work = AllocatorUnitOfWork(uow)
    await work.stock.lock_sellers([seller_id])
    await waves.set_mode(work, seller_id, schedule, by)


async def run_scheduled_waves(uow: UnitOfWork, now: datetime) -> int:
    """The scheduler's tick: a wave for each seller whose schedule is due."""
    return await waves.scheduled_waves(AllocatorUnitOfWork(uow), now)
