"""Shipper use cases on consumed events: a parcel per issued waybill; every cancellation gets its
one answer here (CancellationDecided), decided under the parcel's row lock against scans."""

import logging
from collections.abc import Sequence

from packline_contracts import Event, OrderCancelled, OrderRecipientChanged, WaybillIssued
from packline_runtime import tombstones
from packline_runtime.consumer import PermanentError
from packline_runtime.unit_of_work import UnitOfWork
from packline_shipper.adapters import repository as repo
from packline_shipper.domain.cancellation import decide, decide_units
from packline_shipper.domain.parcel import Parcel
from packline_shipper.domain.waybills import ConflictingWaybill, new_waybills
from packline_shipper.service_layer import relabel

log = logging.getLogger(__name__)


async def handle_events(uow: UnitOfWork, events: Sequence[Event]) -> None:
    """Cancels first, so a waybill arriving in the same batch already sees its tombstones.
    The orders' locks come first, all at once, so batches always take them in one order."""
    cancels = [e for e in events if isinstance(e, OrderCancelled)]
    waybills = [e for e in events if isinstance(e, WaybillIssued)]
    deciding = [e.order.uid for e in cancels] + [m.order.uid for e in waybills for m in e.members]
    if deciding:
        await repo.lock_orders(uow.conn, deciding)
    whole = [c for c in cancels if not c.is_partial]
    if whole:
        await cancel_orders(uow, whole)
    partial = [c for c in cancels if c.is_partial]
    if partial:
        await cancel_units(uow, partial)
    if waybills:
        await record_waybills(uow, waybills)
    readdressed = [e for e in events if isinstance(e, OrderRecipientChanged)]
    if readdressed:
        await relabel.hold(uow, readdressed)


async def cancel_orders(uow: UnitOfWork, cancels: Sequence[OrderCancelled]) -> None:
    """Tombstone the orders (a cancel may come before its waybill), decide each cancellation
    against its row-locked parcels (a scan holding the lock has won; one waiting for it will
    find the parcel stopped) and answer it. The caller holds the orders' locks."""
    uids = [c.order.uid for c in cancels]
    await tombstones.record(uow.conn, uids)
    parcels = await repo.lock_holding(uow.conn, uids)
    changed: dict[str, Parcel] = {}
    for cancel in cancels:
        decided, touched = decide(cancel, parcels)
        uow.emit(decided)
        changed.update((p.tracking_number, p) for p in touched)
        if decided.outcome == "TOO_LATE":
            log.info(
                "cancel for parcel %s arrived after it shipped; left shipped (a return, 반품)",
                decided.tracking_number,
            )
    for parcel in changed.values():
        if parcel.status == "STOPPED":
            log.info("parcel %s stopped (출고 중지): every order cancelled", parcel.tracking_number)
    if changed:
        await repo.save_states(uow.conn, list(changed.values()))


async def cancel_units(uow: UnitOfWork, cancels: Sequence[OrderCancelled]) -> None:
    """부분취소, decided under the parcels' row locks like a whole cancel and always answered:
    TOO_LATE leaves a shipped parcel as it left; CANCELLED counts the units (a cancel may come
    before its waybill) and marks them in the order's READY parcel, whose scan then answers
    INCOMPLETE until the relabelled box is confirmed. The caller holds the orders' locks."""
    parcels = await repo.lock_holding(uow.conn, [c.order.uid for c in cancels])
    decisions = [decide_units(c, parcels) for c in cancels]
    for decided in decisions:
        uow.emit(decided)
    taking = [d for d in decisions if d.outcome == "CANCELLED"]
    if not taking:
        return
    totals = await repo.add_cancelled_units(
        uow.conn, [(d.order.uid, li.line_id, li.quantity) for d in taking for li in d.lines or ()]
    )
    changed: dict[str, Parcel] = {}
    for decided in taking:
        uid = decided.order.uid
        for parcel in parcels:
            if parcel.holds(uid) and parcel.cancel_units(uid, totals.get(uid, {})) == "CANCELLED":
                changed[parcel.tracking_number] = parcel
    if changed:
        await repo.save_states(uow.conn, list(changed.values()))


async def record_waybills(uow: UnitOfWork, events: Sequence[WaybillIssued]) -> None:
    """One READY parcel per new waybill (STOPPED if all its orders were cancelled already,
    RELABEL if its address changed since; a re-issued parcel's earlier number is VOIDED)."""
    recorded = await repo.recorded_pairs(
        uow.conn, [e.parcel_id for e in events], [e.tracking_number for e in events]
    )
    try:
        fresh = new_waybills(events, recorded)
    except ConflictingWaybill as exc:
        raise PermanentError(f"{exc}; void one of them") from exc
    if not fresh:
        return
    cancelled = await tombstones.cancelled_among(
        uow.conn, [m.order.uid for e in fresh for m in e.members]
    )
    parcels = await relabel.new_parcels(uow, fresh, cancelled)
    partly = await repo.cancelled_units(uow.conn, [m.order.uid for p in parcels for m in p.members])
    for parcel in parcels:
        for uid, units in partly.items():
            if parcel.holds(uid):
                parcel.cancel_units(uid, units)
    await repo.insert_new(uow.conn, parcels)
