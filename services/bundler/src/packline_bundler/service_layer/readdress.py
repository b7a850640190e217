"""배송지 변경 (OrderRecipientChanged) in the bundler: the order bundles by its new recipient.
Open bundle: it moves to the new recipient's open bundle. Sealed, not allocated: it is
withdrawn and the old bundle revised (ADR 0001), then it joins anew. Allocated: nothing here;
the waybill stage re-labels. An OrderMatched arriving later takes the remembered change."""

from collections.abc import Awaitable, Callable, Sequence

from packline_bundler.domain.bundle import Leaving
from packline_bundler.service_layer import changes
from packline_bundler.service_layer.ports import Work
from packline_contracts import OrderMatched, OrderRecipientChanged

Join = Callable[[Sequence[OrderMatched]], Awaitable[None]]


async def change(work: Work, events: Sequence[OrderRecipientChanged], join: Join) -> None:
    await work.orders.record_readdressed(events)
    latest = await work.orders.readdressed([e.order.uid for e in events])
    held = await work.bundles.hold(orders=list(latest))
    leaving_open: list[str] = []
    rejoin: list[OrderMatched] = []
    for uid, new in sorted(latest.items()):
        bundle = held.of(uid)
        moved = bundle.readdress(uid, new) if bundle is not None else None
        if moved is None:
            continue  # not in a bundle, taken out already, the same recipient, or allocated
        leaving, order = moved
        if leaving is Leaving.OPEN:
            leaving_open.append(uid)
        rejoin.append(order)
    await changes.lapse_reviews(work, leaving_open)
    await changes.save(work, held)
    if rejoin:
        await join(rejoin)
