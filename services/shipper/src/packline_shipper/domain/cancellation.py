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


def too_late(cancel: OrderCancelled, shipped: Parcel) -> CancellationDecided:
    """A partial cancellation of an order whose parcel has left: its units shipped (a return)."""
    return CancellationDecided(
        **cancel.follow_up(),
        order=cancel.order,
        recipient_key=cancel.recipient_key,
        outcome="TOO_LATE",
        tracking_number=shipped.tracking_number,
    )
