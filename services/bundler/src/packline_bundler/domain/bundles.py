"""합포 (combined packing): which orders share a box, and the BundleFormed fact of a sealed box."""

import uuid
from collections.abc import Collection, Sequence
from functools import lru_cache

from packline_contracts import (
    BundleFormed,
    BundleMember,
    Marketplace,
    OrderMatched,
    Recipient,
    new_event_id,
)
from packline_recipients import NormalisedRecipient, name_key, normalise
from packline_recipients import bundle_key as _bundle_key


def recipient_of(order: OrderMatched) -> NormalisedRecipient:
    """The recipient normalised; the marketplace's building management number and road-name
    flag (Naver) sharpen the comparison only, never a key."""
    return _normalised(order.recipient)


@lru_cache(maxsize=16_384)  # a batch compares each recipient with many (review look-ups)
def _normalised(r: Recipient) -> NormalisedRecipient:
    return normalise(
        r.name,
        r.address1,
        r.address2,
        r.phone,
        r.mobile,
        postcode=r.postcode,
        building_no=r.building_management_no,
        road=r.road_name_address,
    )


def bundle_key(order: OrderMatched) -> str:
    """Exact rule: same normalised name, address, phone and mobile."""
    return _bundle_key(order.seller_id, recipient_of(order))


def is_solo(order: OrderMatched, skus: Collection[str], marketplaces: Collection[str]) -> bool:
    """Never bundled: the seller excluded its marketplace or one of its SKUs."""
    if order.order.marketplace.value in marketplaces:
        return True
    return any(s.sku in skus for line in order.matched_lines for s in line.skus)


def member(order: OrderMatched) -> BundleMember:
    return BundleMember(
        order=order.order,
        paid_at=order.paid_at,
        amount_krw=sum(line.amount_krw for line in order.lines),
        lines=order.lines,
        matched_lines=order.matched_lines,
    )


def separate_invoices(orders: Sequence[OrderMatched]) -> bool:
    """Coupang takes one invoice number for several boxes only when orderer and recipient are
    identical (normalised); otherwise each box needs its own."""
    coupang = [o for o in orders if o.order.marketplace is Marketplace.COUPANG]
    who = {(name_key(o.orderer_name), recipient_of(o)) for o in coupang}
    return len(who) > 1


def formed(
    bundle_id: uuid.UUID,
    orders: Sequence[OrderMatched],
    revision: int = 1,
    anchor: OrderMatched | None = None,
) -> BundleFormed:
    """The sealed bundle (or its revision); the chain continues from its earliest order. A
    revision with no live order left dissolves the bundle; `anchor`, a former member, then
    gives it a recipient and a chain."""
    ordered = sorted(orders, key=lambda o: (o.paid_at, o.order.uid))
    first = ordered[0] if ordered else anchor
    if first is None:
        raise ValueError(f"bundle {bundle_id} has no live orders to seal")
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
        revision=revision,
        separate_invoices=separate_invoices(ordered),
    )
