"""Waybill use cases on the event stream: allocated bundles become parcels, numbered at once
from a band or left AWAITING a courier file or a courier API booking; cancels void parcels; a
배송지 변경 replaces an issued number."""

import logging
import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace

from packline_contracts import (
    CancellationDecided,
    Event,
    OrderCancelled,
    OrderRecipientChanged,
    StockAllocated,
    utcnow,
)
from packline_runtime import recipient_changes, tombstones
from packline_runtime.unit_of_work import UnitOfWork
from packline_waybill.adapters import bands, unit_cancels
from packline_waybill.adapters import repository as repo
from packline_waybill.domain.accounts import CourierAccount
from packline_waybill.domain.numbers import NumberBand
from packline_waybill.domain.waybill import (
    Method,
    latest_recipient,
    new_parcel,
    plan_parcels,
    waybill_issued,
)
from packline_waybill.service_layer import accounts as account_repo
from packline_waybill.service_layer import partial_cancels, relabel
from packline_waybill.service_layer.claims import Numbering, claim_numbers

log = logging.getLogger(__name__)


async def prepare_band(uow: UnitOfWork, band: NumberBand) -> None:
    await bands.ensure(uow.conn, band)


async def handle_events(uow: UnitOfWork, events: Sequence[Event], numbering: Numbering) -> None:
    """Cancels first, so a bundle allocated in the same batch already sees its tombstones."""
    # a partial cancellation (lines named) is no cancellation of the order: its units come off
    # the parcel's contents when the shipping line decides it took effect (CancellationDecided)
    cancels = [e.order.uid for e in events if isinstance(e, OrderCancelled) and not e.is_partial]
    if cancels:
        await cancel_orders(uow, cancels)
    allocations = [e for e in events if isinstance(e, StockAllocated)]
    decided = [
        e
        for e in events
        if isinstance(e, CancellationDecided) and e.is_partial and e.outcome == "CANCELLED"
    ]
    if decided or allocations:
        await unit_cancels.lock_orders(
            uow.conn,
            [d.order.uid for d in decided] + [m.order.uid for e in allocations for m in e.members],
        )
    if decided:
        await partial_cancels.cancel_units(uow, decided)
    readdressed = [e for e in events if isinstance(e, OrderRecipientChanged)]
    if readdressed:
        await recipient_changes.record(uow.conn, readdressed)
    if allocations:
        await issue_waybills(uow, allocations, numbering)
    if readdressed:
        await relabel.relabel(uow, readdressed, numbering)


async def cancel_orders(uow: UnitOfWork, uids: Sequence[str]) -> None:
    """Tombstone the orders; mark them on their parcels and void those left with no live order
    (a voided number is never used again; an AWAITING parcel is no longer exported or booked)."""
    await tombstones.record(uow.conn, uids)
    now = utcnow()
    changed = []
    for waybill in await repo.lock_holding(uow.conn, uids):
        steps = [waybill.cancel_order(uid, now) for uid in uids if uid in waybill.cancelled]
        if any(steps):
            changed.append(waybill)
            if waybill.status == "VOIDED":
                log.info("parcel %s voided: every order cancelled", waybill.parcel_id)
    if changed:
        await repo.save_states(uow.conn, changed)


async def issue_waybills(
    uow: UnitOfWork, events: Sequence[StockAllocated], numbering: Numbering
) -> None:
    """Parcels for bundles that have none yet. A BAND parcel gets its number here (the batch's
    numbers claimed in one statement per band); FILE and API parcels wait for theirs."""
    first: dict[uuid.UUID, StockAllocated] = {}
    for event in events:
        first.setdefault(event.bundle_id, event)
    known = await repo.bundles_with_parcels(uow.conn, list(first))
    pending = [e for bundle_id, e in first.items() if bundle_id not in known]
    uids = [m.order.uid for e in pending for m in e.members]
    cancelled = await tombstones.cancelled_among(uow.conn, uids) if uids else set()
    changes = await recipient_changes.changes_for(uow.conn, uids) if uids else []
    accounts: dict[str, CourierAccount | None] = {}
    push: dict[str, bool] = {}
    for seller in sorted({e.seller_id for e in pending}):
        accounts[seller] = await account_repo.account_for(uow.conn, seller, numbering.box)
        settings = await account_repo.settings_for(uow.conn, seller)
        push[seller] = bool(settings and settings.pre_shipment_push)

    parcels: list[repo.NewParcel] = []
    by_band: dict[int | None, list[int]] = defaultdict(list)  # account id -> parcel indexes
    for event in pending:
        account = accounts[event.seller_id]
        method: Method = account.method.value if account else "BAND"
        courier = account.courier_code if account else numbering.band.courier_code
        for plan in plan_parcels(event, cancelled):
            waybill = new_parcel(event, plan, courier, method)
            recipient = latest_recipient(plan.members, changes) or event.recipient
            if method == "BAND":
                by_band[account.account_id if account else None].append(len(parcels))
            parcels.append(
                repo.NewParcel(
                    waybill=waybill,
                    source=event,
                    recipient=recipient,
                    account_id=account.account_id if account else None,
                    pre_shipment_push=push[event.seller_id],
                    issued=None,
                    book_now=method == "API",
                )
            )
    skipped = len(pending) - len({p.waybill.bundle_id for p in parcels})
    if skipped:
        log.info("%d bundle(s) get no parcel: every order cancelled", skipped)
    if not parcels:
        return

    for account_id, indexes in sorted(by_band.items(), key=lambda kv: kv[0] or 0):
        numbers = await claim_numbers(uow, numbering, account_id, len(indexes))
        for index, number in zip(indexes, numbers, strict=True):
            new = parcels[index]
            new.waybill.tracking_number = number
            new.waybill.status = "ISSUED"
            plan_members = [m for m in new.source.members if m.order.uid in new.waybill.cancelled]
            issued = waybill_issued(
                new.source, new.waybill, plan_members, new.recipient, "BAND", new.pre_shipment_push
            )
            parcels[index] = replace(new, issued=issued)

    inserted = await repo.insert_new(uow.conn, parcels)
    # units decided cancelled before the parcel existed (the caller holds the orders' locks)
    await unit_cancels.refresh_parcels(uow.conn, uids)
    waiting = 0
    for new in parcels:
        if new.waybill.parcel_id not in inserted:
            continue  # another replica made it meanwhile
        if new.issued is not None:
            uow.emit(new.issued)
        else:
            waiting += 1
    if waiting:
        log.info("%d parcel(s) await a number from a courier file or the courier API", waiting)
