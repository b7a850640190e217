"""합포 (combined packing): which orders share a box, and the BundleFormed fact of a sealed box."""

import uuid
from collections.abc import Sequence

from packline_contracts import BundleFormed, BundleMember, OrderMatched, new_event_id
from packline_recipients import bundle_key as _bundle_key
from packline_recipients import normalise


def bundle_key(order: OrderMatched) -> str:
    """Exact rule: same normalised name, address, phone and mobile."""
    r = order.recipient
    return _bundle_key(
        order.seller_id, normalise(r.name, r.address1, r.address2, r.phone, r.mobile)
    )


def member(order: OrderMatched) -> BundleMember:
    return BundleMember(
        order=order.order,
        paid_at=order.paid_at,
        amount_krw=sum(line.amount_krw for line in order.lines),
        lines=order.lines,
        matched_lines=order.matched_lines,
    )


def formed(bundle_id: uuid.UUID, orders: Sequence[OrderMatched]) -> BundleFormed:
    """The sealed bundle; the chain continues from its earliest order."""
    if not orders:
        raise ValueError(f"bundle {bundle_id} has no live orders to seal")
    ordered = sorted(orders, key=lambda o: (o.paid_at, o.order.uid))
    first = ordered[0]
    return BundleFormed(
        event_id=new_event_id(),
        seller_id=first.seller_id,
        correlation_id=first.correlation_id,
        causation_id=first.event_id,
        bundle_id=bundle_id,
        recipient_key=first.recipient_key,
        recipient=first.recipient,
        paid_at=first.paid_at,
        members=tuple(member(o) for o in ordered),
    )
