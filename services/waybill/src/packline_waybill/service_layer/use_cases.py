"""Waybill use cases: issue one number per allocated bundle, honour cancels, keep the band."""

import logging
import uuid
from collections.abc import Sequence

from packline_contracts import Event, OrderCancelled, OrderRecipientChanged, StockAllocated, utcnow
from packline_runtime import recipient_changes, tombstones
from packline_runtime.unit_of_work import UnitOfWork
from packline_waybill.adapters import bands
from packline_waybill.adapters import repository as repo
from packline_waybill.domain.numbers import NumberBand
from packline_waybill.domain.waybill import issue, latest_recipient, live_members
from packline_waybill.service_layer import relabel
from packline_waybill.service_layer.claims import claim

log = logging.getLogger(__name__)


async def prepare_band(uow: UnitOfWork, band: NumberBand) -> None:
    await bands.ensure(uow.conn, band)


async def handle_events(uow: UnitOfWork, events: Sequence[Event], band: NumberBand) -> None:
    """Cancels first, so a bundle allocated in the same batch already sees its tombstones."""
    cancels = [e.order.uid for e in events if isinstance(e, OrderCancelled)]
    if cancels:
        await cancel_orders(uow, cancels)
    allocations = [e for e in events if isinstance(e, StockAllocated)]
    readdressed = [e for e in events if isinstance(e, OrderRecipientChanged)]
    if readdressed:
        await recipient_changes.record(uow.conn, readdressed)
    if allocations:
        await issue_waybills(uow, allocations, band)
    if readdressed:
        await relabel.relabel(uow, readdressed, band)


async def cancel_orders(uow: UnitOfWork, uids: Sequence[str]) -> None:
    """Tombstone the orders; mark them on their waybills and void those left with no live order."""
    await tombstones.record(uow.conn, uids)
    now = utcnow()
    changed = []
    for waybill in await repo.lock_holding(uow.conn, uids):
        steps = [waybill.cancel_order(uid, now) for uid in uids if uid in waybill.cancelled]
        if any(steps):
            changed.append(waybill)
            if waybill.status == "VOIDED":
                log.info("waybill %s voided: every order cancelled", waybill.tracking_number)
    if changed:
        await repo.save_states(uow.conn, changed)


async def issue_waybills(
    uow: UnitOfWork, events: Sequence[StockAllocated], band: NumberBand
) -> None:
    """One number per bundle without a waybill yet; a bundle whose orders are all cancelled gets
    none. Numbers for the whole batch are claimed in one statement."""
    first: dict[uuid.UUID, StockAllocated] = {}
    for event in events:
        first.setdefault(event.bundle_id, event)
    known = await repo.bundles_with_waybill(uow.conn, list(first))
    pending = [e for bundle_id, e in first.items() if bundle_id not in known]
    uids = [m.order.uid for e in pending for m in e.members]
    cancelled = await tombstones.cancelled_among(uow.conn, uids) if uids else set()
    to_issue = [e for e in pending if live_members(e, cancelled)]
    if len(to_issue) < len(pending):
        log.info("%d bundle(s) get no waybill: every order cancelled", len(pending) - len(to_issue))
    if not to_issue:
        return
    changes = await recipient_changes.changes_for(
        uow.conn, [m.order.uid for e in to_issue for m in e.members]
    )
    first_serial = await claim(uow, band, len(to_issue))
    issued = [
        issue(
            event,
            band.courier_code,
            band.tracking_number(first_serial + i),
            cancelled,
            latest_recipient(live_members(event, cancelled), changes),  # 배송지 변경 came first
        )
        for i, event in enumerate(to_issue)
    ]
    inserted = await repo.insert_new(uow.conn, [w for w, _ in issued], [e for _, e in issued])
    for waybill, issued_event in issued:
        if waybill.bundle_id in inserted:  # another replica may have issued it meanwhile
            uow.emit(issued_event)
