"""배송지 변경 at the shipping line: a READY parcel whose label names an old address is held
(RELABEL, its scan refused); a parcel's new number (the waybill stage's re-issue) voids its
earlier number, so each parcel can ship under one number only."""

import logging
from collections.abc import Sequence, Set

from packline_contracts import OrderRecipientChanged, WaybillIssued
from packline_runtime import recipient_changes
from packline_runtime.unit_of_work import UnitOfWork
from packline_shipper.adapters import repository as repo
from packline_shipper.domain.parcel import Parcel
from packline_shipper.domain.relabel import label_is_stale

log = logging.getLogger(__name__)


async def hold(uow: UnitOfWork, events: Sequence[OrderRecipientChanged]) -> None:
    await recipient_changes.record(uow.conn, events)
    uids = [e.order.uid for e in events]
    parcels = await repo.lock_holding(uow.conn, uids)
    changes = await recipient_changes.changes_for(
        uow.conn, [m.order.uid for p in parcels for m in p.members]
    )
    held = [p for p in parcels if label_is_stale(p, changes) and p.hold_for_relabel()]
    for parcel in held:
        log.info(
            "parcel %s held (출고 중지): address changed, awaiting a new label",
            parcel.tracking_number,
        )
    if held:
        await repo.save_states(uow.conn, held)


async def new_parcels(
    uow: UnitOfWork, fresh: Sequence[WaybillIssued], cancelled: Set[str]
) -> list[Parcel]:
    """Parcels for new numbers. The latest number of a parcel is the live one; earlier ones
    (here or recorded) are voided; once a parcel shipped, any new number is void at birth."""
    latest = {e.parcel_id: e for e in fresh}
    earlier = await repo.lock_parcels(uow.conn, list(latest))
    shipped = {p.parcel_id for p in earlier if p.status == "SHIPPED"}
    voided = [p for p in earlier if p.void()]
    if voided:
        await repo.save_states(uow.conn, voided)
    changes = await recipient_changes.changes_for(
        uow.conn, [m.order.uid for e in fresh for m in e.members]
    )
    parcels = []
    for event in fresh:
        parcel = Parcel.from_waybill(event, cancelled)
        if latest[event.parcel_id] is not event or event.parcel_id in shipped:
            parcel.void()
        elif label_is_stale(parcel, changes):
            parcel.hold_for_relabel()  # the change came first; a re-issue will follow
        parcels.append(parcel)
    return parcels
