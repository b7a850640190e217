"""Shipper use cases on consumed events: a parcel per issued waybill, cancels stop parcels."""

import logging
from collections.abc import Sequence

from packline_contracts import Event, OrderCancelled, OrderRecipientChanged, WaybillIssued
from packline_runtime import tombstones
from packline_runtime.consumer import PermanentError
from packline_runtime.unit_of_work import UnitOfWork
from packline_shipper.adapters import repository as repo
from packline_shipper.domain.parcel import Parcel
from packline_shipper.domain.waybills import ConflictingWaybill, new_waybills
from packline_shipper.service_layer import relabel

log = logging.getLogger(__name__)


async def handle_events(uow: UnitOfWork, events: Sequence[Event]) -> None:
    """Cancels first, so a waybill arriving in the same batch already sees its tombstones."""
    cancels = [e.order.uid for e in events if isinstance(e, OrderCancelled)]
    if cancels:
        await cancel_orders(uow, cancels)
    waybills = [e for e in events if isinstance(e, WaybillIssued)]
    if waybills:
        await record_waybills(uow, waybills)
    readdressed = [e for e in events if isinstance(e, OrderRecipientChanged)]
    if readdressed:
        await relabel.hold(uow, readdressed)


async def cancel_orders(uow: UnitOfWork, uids: Sequence[str]) -> None:
    """Tombstone the orders (a cancel may come before its waybill) and mark their parcels."""
    await tombstones.record(uow.conn, uids)
    changed: list[Parcel] = []
    for parcel in await repo.lock_holding(uow.conn, uids):
        outcomes = [parcel.cancel_order(uid) for uid in uids if parcel.holds(uid)]
        if "ALREADY_SHIPPED" in outcomes:
            log.info(
                "cancel for parcel %s arrived after it shipped; left shipped (handle as a return)",
                parcel.tracking_number,
            )
        if "STOPPED" in outcomes:
            log.info("parcel %s stopped (출고 중지): every order cancelled", parcel.tracking_number)
        if any(o in ("CANCELLED", "STOPPED") for o in outcomes):
            changed.append(parcel)
    if changed:
        await repo.save_states(uow.conn, changed)


async def record_waybills(uow: UnitOfWork, events: Sequence[WaybillIssued]) -> None:
    """One READY parcel per new waybill (STOPPED if all its orders were cancelled already,
    RELABEL if its address changed since; a re-issued bundle's earlier parcel is VOIDED)."""
    recorded = await repo.recorded_pairs(
        uow.conn, [e.bundle_id for e in events], [e.tracking_number for e in events]
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
    await repo.insert_new(uow.conn, await relabel.new_parcels(uow, fresh, cancelled))
