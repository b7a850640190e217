"""배송지 변경 (OrderRecipientChanged) in the bundler: the order bundles by its new recipient.
Open bundle: it moves to the new recipient's open bundle. Sealed, not allocated: it is
withdrawn and the old bundle revised (ADR 0001), then it joins anew. Allocated: nothing here;
the waybill stage re-labels. An OrderMatched arriving later takes the remembered change."""

from collections.abc import Awaitable, Callable, Sequence

from packline_bundler.adapters import changes as changes_repo
from packline_bundler.adapters import recipients as repo
from packline_bundler.adapters import reviews
from packline_bundler.service_layer import changes
from packline_contracts import OrderMatched, OrderRecipientChanged
from packline_runtime import recipient_changes
from packline_runtime.unit_of_work import UnitOfWork

Join = Callable[[UnitOfWork, Sequence[OrderMatched]], Awaitable[None]]


def readdressed(order: OrderMatched, change: OrderRecipientChanged) -> OrderMatched:
    return order.model_copy(
        update={"recipient": change.recipient, "recipient_key": change.new_recipient_key}
    )


async def change(uow: UnitOfWork, events: Sequence[OrderRecipientChanged], join: Join) -> None:
    await recipient_changes.record(uow.conn, events)
    latest = await recipient_changes.latest_for(uow.conn, [e.order.uid for e in events])
    leaving_open: list[str] = []
    leaving_sealed = []
    rejoin = []
    for row in await repo.memberships(uow.conn, list(latest)):
        order, new = row["event"], latest[row["order_uid"]]
        if row["withdrawn_at"] or row["cancelled"] or order.recipient == new.recipient:
            continue  # withdrawn: a later OrderMatched takes the change; equal: done already
        if row["status"] == "OPEN":
            leaving_open.append(row["order_uid"])
        elif row["status"] == "SEALED":
            leaving_sealed.append(row)
        else:
            continue  # allocated (or over): the waybill stage handles the label
        rejoin.append(readdressed(order, new))
    await reviews.obsolete_for_orders(uow.conn, leaving_open)
    await changes_repo.remove(uow.conn, leaving_open)
    await changes_repo.withdraw(uow.conn, [r["order_uid"] for r in leaving_sealed])
    await changes.revise(uow, leaving_sealed)
    if rejoin:
        await join(uow, rejoin)
