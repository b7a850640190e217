"""할당 waves and 재고 수정 over the unit of work's repositories (rules: domain/allocation.py,
domain/ledger.py, domain/rules.py). A wave considers only the SKUs whose availability changed
and the waiting bundles that need them, in the seller's rule order, and is recorded; the
console's button (할당처리) considers every waiting bundle."""

import uuid
from collections.abc import Collection
from datetime import UTC, datetime

from packline_allocator.domain.allocation import backorder_formed, stock_allocated, wave
from packline_allocator.domain.decisions import Trigger, to_record
from packline_allocator.domain.wave_modes import WaveSchedule
from packline_allocator.service_layer.ports import AllocationWork


async def allocation_wave(
    work: AllocationWork,
    seller_id: str,
    skus: Collection[str] | None,
    trigger: Trigger = Trigger.CONTINUOUS,
    among: Collection[uuid.UUID] = (),
) -> int:
    """Waiting bundles needing any of `skus` (all waiting bundles: None) and those named in
    `among` (arrived or revised), in the order of the seller's current rule set, get stock when
    they can ship whole. The caller holds the
    seller's stock lock. The wave is recorded (its rule version, a decision per bundle it
    looked at) when it looked at any bundle, or when a person asked for it.

    Only changed SKUs matter: after every wave no waiting bundle fits, and a bundle whose SKUs'
    availability did not grow still does not."""
    if skus is not None and not skus and not among:
        return 0
    if not (await work.wave_modes.of([seller_id]))[seller_id].runs(trigger):
        return 0  # the seller allocates by 할당처리 or on its schedule only
    waiting = await work.bundles.waiting(seller_id, skus, among)
    if not waiting and trigger is not Trigger.MANUAL:
        return 0
    rules = await work.rules.current(seller_id)
    partial = await work.partial.of(seller_id)
    needed = {sku for b in waiting for sku in b.demand}
    ledgers = await work.stock.ledgers(seller_id, needed)
    now = datetime.now(UTC)
    done = wave(waiting, ledgers, now, rules, partial)
    kept = to_record(done.decisions, trigger)
    waiting_now = len(done.decisions) - len(done.allocated)
    await work.waves.record(seller_id, trigger, now, rules.version, kept, waiting_now)
    if not done.allocated:
        return 0
    await work.stock.save(ledgers.values())
    formed = await work.bundles.formed([a.bundle.bundle_id for a in done.allocated])
    await work.bundles.add_backorders(
        [
            (a.backorder, backorder_formed(formed[a.bundle.bundle_id], a.backorder))
            for a in done.allocated
            if a.backorder is not None
        ]
    )
    await work.bundles.save_allocated(done.allocated)
    for a in done.allocated:
        live = {o.order_uid for o in a.bundle.live_orders}
        split_from, backorder = a.bundle.split_from, a.backorder
        event = stock_allocated(
            formed[a.bundle.bundle_id],
            live,
            a.bundle.demand,
            split_from,
            backorder.bundle_id if backorder else None,
        )
        work.emit(event)
    return len(done.allocated)


async def run_wave_now(work: AllocationWork, seller_id: str) -> int:
    """할당처리: the console's button; a person asked, so every waiting bundle is considered."""
    await work.stock.lock_sellers([seller_id])
    return await allocation_wave(work, seller_id, None, Trigger.MANUAL)


async def set_mode(work: AllocationWork, seller_id: str, schedule: WaveSchedule, by: str) -> None:
    """How the seller's waves run from now on (the caller holds the seller's stock lock)."""
    await work.wave_modes.save(seller_id, schedule, by)


async def scheduled_waves(work: AllocationWork, now: datetime, limit: int = 20) -> int:
    """One wave over every waiting bundle of each seller whose schedule is due; returns how many
    sellers ran (the loop comes again at once while some did)."""
    sellers = await work.wave_modes.due(now, limit)
    for seller in sellers:
        await work.stock.lock_sellers([seller])
        await allocation_wave(work, seller, None, Trigger.SCHEDULED)
        await work.wave_modes.ran(seller, now)
    return len(sellers)
