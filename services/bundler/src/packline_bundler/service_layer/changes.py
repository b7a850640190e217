"""Changes after an order joined a bundle: cancels (취소), unmatches (a deleted mapping),
allocations (the point of no return) and a person's unmerge. A sealed bundle not yet allocated
is revised (BundleFormed, same id, next revision); an allocated one stays as it is."""

import uuid
from collections.abc import Iterable, Sequence
from typing import Any

from packline_bundler.adapters import changes as repo
from packline_bundler.adapters import repository as bundles
from packline_bundler.adapters import reviews
from packline_bundler.domain.bundles import formed
from packline_contracts import OrderUnmatched, StockAllocated
from packline_runtime import decisions, tombstones
from packline_runtime.unit_of_work import UnitOfWork


class Refused(ValueError):
    """The change cannot be made in the bundle's state; the message says why and what to do."""


async def revise(uow: UnitOfWork, rows: Iterable[dict[str, Any]]) -> None:
    """Emit each sealed bundle again without the members that left; empty means dissolved."""
    chosen = {r["bundle_id"]: r for r in rows}
    if not chosen:
        return
    live = await bundles.members_of(uow.conn, list(chosen))
    for bundle_id, row in sorted(chosen.items()):
        members = live[bundle_id]
        anchor = None if members else await repo.any_member(uow.conn, bundle_id)
        event = formed(bundle_id, members, row["revision"] + 1, anchor)
        uow.emit(event)
        await repo.record_sealed(
            uow.conn, bundle_id, event.revision, event.separate_invoices, event.paid_at
        )
    await repo.cancel_if_empty(uow.conn, list(chosen))


async def cancel(uow: UnitOfWork, uids: list[str]) -> None:
    """An open bundle loses the order; a sealed, unallocated one is revised. The allocator
    releases stock on OrderCancelled itself: a revision only drops a member there."""
    await tombstones.record(uow.conn, uids)
    await reviews.obsolete_for_orders(uow.conn, uids)
    await bundles.leave_open_bundles(uow.conn, uids)
    rows = await repo.bundles_of(uow.conn, uids)
    await bundles.mark_cancelled(uow.conn, uids)
    await revise(uow, [r for r in rows if r["status"] == "SEALED"])


async def unmatch(uow: UnitOfWork, events: Sequence[OrderUnmatched]) -> None:
    """Withdraw the OrderMatched each event names, unless a newer match replaced it or the
    bundle is allocated (allocation wins; the matcher learns it from StockAllocated)."""
    await repo.revoke(uow.conn, [e.matched_event_id for e in events], [e.order.uid for e in events])
    current = {
        r["order_uid"]: r for r in await repo.bundles_of(uow.conn, [e.order.uid for e in events])
    }
    leaving_open, withdrawn = [], []
    for event in events:
        row = current.get(event.order.uid)
        if row is None or row["matched_event_id"] != event.matched_event_id or row["withdrawn_at"]:
            continue
        if row["status"] == "OPEN":
            leaving_open.append(event.order.uid)
        elif row["status"] == "SEALED":
            withdrawn.append(row)
    await reviews.obsolete_for_orders(uow.conn, leaving_open)
    await repo.remove(uow.conn, leaving_open)
    await repo.withdraw(uow.conn, [r["order_uid"] for r in withdrawn])
    await revise(uow, withdrawn)


async def allocated(uow: UnitOfWork, events: Sequence[StockAllocated]) -> None:
    """Allocated bundles are final here. A member a change took out after the allocator had
    already reserved it comes back, and the record says so."""
    await repo.mark_allocated(uow.conn, [e.bundle_id for e in events])
    for event in events:
        uids = [m.order.uid for m in event.members]
        elsewhere = {r["bundle_id"] for r in await repo.bundles_of(uow.conn, uids)}
        back = await repo.reclaim(uow.conn, event.bundle_id, uids)
        if not back:
            continue
        await repo.cancel_if_empty(uow.conn, list(elsewhere - {event.bundle_id}))
        await decisions.record(
            uow.conn,
            event.seller_id,
            "ALLOCATED_BEFORE_CHANGE",
            {"bundle_id": str(event.bundle_id), "orders": back},
            "system",
            "the allocator reserved stock before the change reached it; the box ships as allocated",
        )


async def unmerge(
    uow: UnitOfWork,
    seller_id: str,
    bundle_id: uuid.UUID,
    uids: Sequence[str],
    by: str,
    reason: str,
) -> uuid.UUID:
    """Split orders off the seller's sealed, unallocated bundle into a bundle of their own;
    another seller's bundle is answered as a missing one."""
    if not await repo.is_sellers(uow.conn, seller_id, bundle_id):
        raise LookupError(f"no bundle {bundle_id}")
    await bundles.lock_sellers(uow.conn, [seller_id], exclusive=True)  # as decisions do
    row = await repo.lock_bundle(uow.conn, bundle_id)
    if row is None:
        raise LookupError(f"no bundle {bundle_id}")
    if row["status"] != "SEALED":
        raise Refused(
            f"bundle {bundle_id} is {row['status']}: only a sealed bundle not yet allocated can"
            " be unmerged (an open one: keep the pair apart; an allocated one: cancel the order)"
        )
    live = (await bundles.members_of(uow.conn, [bundle_id]))[bundle_id]
    live_uids = {o.order.uid for o in live}
    strangers = sorted(set(uids) - live_uids)
    if strangers:
        raise Refused(f"not live orders of bundle {bundle_id}: {', '.join(strangers)}")
    if live_uids <= set(uids):
        raise Refused("leave at least one order in the bundle; split off the others")
    new_id = uuid.uuid4()
    await repo.new_sealed_bundle(uow.conn, new_id, row)
    await repo.move(uow.conn, list(uids), new_id)
    await revise(uow, [row])
    split = formed(new_id, [o for o in live if o.order.uid in set(uids)])
    uow.emit(split)
    await repo.record_sealed(uow.conn, new_id, 1, split.separate_invoices, split.paid_at)
    await decisions.record(
        uow.conn,
        row["seller_id"],
        "UNMERGE",
        {"bundle_id": str(bundle_id), "new_bundle_id": str(new_id), "orders": sorted(uids)},
        by,
        reason,
    )
    return new_id
