"""What a collection found, applied in one transaction: new orders are registered once, a new
cancellation becomes OrderCancelled (MARKETPLACE_CLAIM), a new address OrderRecipientChanged
(the later stages re-key, re-bundle or re-label the order). What no stage can apply by itself
(an address changed after shipping, a return asked for after shipping) is recorded for a person
(order_attention). A partial cancel (fewer units of a line than collected) is applied through the
console's use case: exactly the units not cancelled before. Orders found only through a claim are never new."""

import json
import logging
from collections import Counter
from collections.abc import Iterable
from typing import Any

from packline_collector.adapters import options_repository as options
from packline_collector.adapters import order_changes_repository as changes
from packline_collector.adapters import orders_repository as repo
from packline_collector.domain.accounts import Account
from packline_collector.domain.cancellation import OrderStatus
from packline_collector.domain.orders import line_quantities, recipient_hash
from packline_collector.domain.partial_cancel import LineCancel
from packline_collector.domain.remote import AWAITING_SHIPMENT, RemoteOrder
from packline_collector.service_layer.use_cases import (
    CANCEL_AFTER_SHIPPING,
    cancel_lines,
    register_orders,
)
from packline_contracts import OrderCancelled, OrderRecipientChanged, OrderRef
from packline_runtime.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)
RECIPIENT_CHANGED = "RECIPIENT_CHANGED"
PARTIAL_CANCEL = "PARTIAL_CANCEL"
RETURN_REQUESTED = "RETURN_REQUESTED"
CANCELLED_AFTER_SHIPPING = CANCEL_AFTER_SHIPPING


def _moved_after_shipping(row: Any, remote: RemoteOrder) -> bool:
    if remote.order is None or not row["recipient_hash"]:
        return False
    return bool(
        recipient_hash(remote.order.seller_id, remote.order.recipient) != row["recipient_hash"]
    )


async def apply(uow: UnitOfWork, account: Account, remotes: Iterable[RemoteOrder]) -> Counter[str]:
    found = {r.ref.uid: r for r in remotes}
    known = await changes.lock_many(uow.conn, [r.ref for r in found.values()])
    counts: Counter[str] = Counter()
    # only what still awaits shipment is new to us; a box shipped elsewhere is not ours to ship
    fresh = [
        r.order
        for uid, r in found.items()
        if uid not in known
        and r.order is not None
        and r.state == AWAITING_SHIPMENT
        and not r.from_claim
    ]
    # the ids the API gave, for order files that lack some (known_ids.py)
    await options.remember(uow.conn, [r.order for r in found.values() if r.order is not None])
    if fresh:
        result = await register_orders(uow, fresh, source="API", account_id=account.account_id)
        counts["created"] += len(result.created)
        counts["unchanged"] += len(result.duplicates)
    attention: list[tuple[OrderRef, str, str]] = []
    moved: list[tuple[OrderRef, str]] = []
    cancelled: list[OrderRef] = []
    for uid, row in known.items():
        remote = found[uid]
        if row["status"] == "SHIPPED" and remote.fully_cancelled:
            attention.append(
                (
                    remote.ref,
                    CANCELLED_AFTER_SHIPPING,
                    "the marketplace shows a cancellation after we shipped: handle it as a return (반품)",
                )
            )
        if row["status"] == "SHIPPED" and remote.returned:
            attention.append(
                (
                    remote.ref,
                    RETURN_REQUESTED,
                    "the buyer asked to return it after it shipped (반품요청"
                    + (f", {remote.claim}" if remote.claim else "")
                    + "): handle the return on the marketplace",
                )
            )
        if row["status"] == "SHIPPED" and _moved_after_shipping(row, remote):
            # the parcel has left: only a person can redirect it (the later stages re-label
            # every order not yet shipped from OrderRecipientChanged, ADR 0002)
            attention.append(
                (
                    remote.ref,
                    RECIPIENT_CHANGED,
                    "the buyer changed the delivery address after the parcel shipped: ask the "
                    "courier to redirect it, or handle it as a return (반품)",
                )
            )
        if row["status"] != "COLLECTED":
            counts["unchanged"] += 1
            continue
        if remote.fully_cancelled:
            cancelled.append(remote.ref)
            uow.emit(
                OrderCancelled(
                    seller_id=row["seller_id"],
                    correlation_id=row["event_id"],
                    order=remote.ref,
                    recipient_key=row["recipient_key"],
                    source="MARKETPLACE_CLAIM",
                    reason=f"marketplace claim ({remote.claim or 'cancelled'})"[:300],
                )
            )
            continue
        if remote.order is None:
            counts["unchanged"] += 1
            continue
        new_hash = recipient_hash(remote.order.seller_id, remote.order.recipient)
        changed = bool(row["recipient_hash"]) and new_hash != row["recipient_hash"]
        if changed:
            moved.append((remote.ref, new_hash))
            uow.emit(
                OrderRecipientChanged(
                    seller_id=row["seller_id"],
                    correlation_id=row["event_id"],
                    order=remote.ref,
                    recipient_key=row["recipient_key"],
                    new_recipient_key=remote.order.recipient_key(),
                    recipient=remote.order.recipient,
                )
            )
        was = json.loads(row["line_quantities"] or "{}")
        gone = json.loads(row["cancelled_quantities"] or "{}")
        now = line_quantities(remote.order.lines)
        # units the marketplace lists as cancelled that we have not cancelled yet
        fresh_units = [
            LineCancel(line_id=k, quantity=n)
            for k, q in sorted(was.items())
            if (n := q - now.get(k, 0) - int(gone.get(k, 0))) > 0
        ]
        if fresh_units:
            changed = True
            done = await cancel_lines(
                uow,
                remote.ref,
                fresh_units,
                f"marketplace claim ({remote.claim or 'partly cancelled'})"[:300],
                source="MARKETPLACE_CLAIM",
            )
            if done.refusal is not None:  # cannot happen from a marketplace, but never lost
                attention.append((remote.ref, PARTIAL_CANCEL, str(done.refusal)))
            else:
                counts["cancelled"] += 1
        counts["unchanged"] += not changed
    if cancelled:
        # requested, like the console's: the shipping line decides (docs/adr/0003)
        await repo.set_status(uow.conn, cancelled, OrderStatus.CANCEL_REQUESTED)
    if moved:
        await changes.set_recipient_hashes(uow.conn, [m[0] for m in moved], [m[1] for m in moved])
    counts["cancelled"] += len(cancelled)
    counts["recipient_changed"] += len(moved)
    counts["needs_attention"] += await changes.add_attention(uow.conn, attention)
    if moved or cancelled:
        log.info("%s: %d cancelled, %d changed recipient", account.who, len(cancelled), len(moved))
    return counts
