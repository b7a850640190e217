"""취소 at the shipping line, where a cancel and a scan meet: whichever takes the parcel's row
lock first wins, and every cancellation gets exactly one answer (docs/adr/0003)."""

from collections.abc import Sequence

from packline_contracts import CancellationDecided, OrderCancelled
from packline_shipper.domain.parcel import Parcel


def decide(
    cancel: OrderCancelled, parcels: Sequence[Parcel]
) -> tuple[CancellationDecided, list[Parcel]]:
    """The answer to one cancellation and the parcels it changed. `parcels` are row-locked and
    include every parcel holding the order (others are ignored).

    TOO_LATE when one of them has shipped: the order stays shipped, a person handles the return
    (반품). Otherwise CANCELLED: the order is marked in its parcels (the last live order stops
    one: 출고 중지, so its scan is refused); with no parcel yet, the cancellation tombstone marks
    it in any parcel recorded later, so it can never ship either."""
    uid = cancel.order.uid
    holding = [p for p in parcels if p.holds(uid)]
    shipped = next((p for p in holding if p.status == "SHIPPED"), None)
    changed: list[Parcel] = []
    if shipped is None:
        changed = [p for p in holding if p.cancel_order(uid) in ("CANCELLED", "STOPPED")]
    decided = CancellationDecided(
        **cancel.follow_up(),
        order=cancel.order,
        recipient_key=cancel.recipient_key,
        outcome="CANCELLED" if shipped is None else "TOO_LATE",
        tracking_number=None if shipped is None else shipped.tracking_number,
    )
    return decided, changed


def shipped_parcel(uid: str, parcels: Sequence[Parcel]) -> Parcel | None:
    """The row-locked parcel this order already left in, if any."""
    return next((p for p in parcels if p.holds(uid) and p.status == "SHIPPED"), None)


def decide_units(cancel: OrderCancelled, parcels: Sequence[Parcel]) -> CancellationDecided:
    """부분취소, decided like a whole cancel under the parcels' row locks: TOO_LATE when the
    order's parcel has shipped (nothing is taken out of it: the units left with it, a return);
    else CANCELLED, and the caller counts the units and marks them in the order's READY parcel
    (or in any parcel recorded later). The answer names the units, so the allocator releases
    exactly those and the waybill relabels the parcel without them."""
    shipped = shipped_parcel(cancel.order.uid, parcels)
    return CancellationDecided(
        **cancel.follow_up(),
        order=cancel.order,
        recipient_key=cancel.recipient_key,
        outcome="CANCELLED" if shipped is None else "TOO_LATE",
        tracking_number=None if shipped is None else shipped.tracking_number,
        lines=cancel.lines,
    )
