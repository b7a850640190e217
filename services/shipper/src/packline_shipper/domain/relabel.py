"""Whether a parcel's label still names the buyer's latest address (배송지 변경)."""

from collections.abc import Sequence

from packline_contracts import OrderRecipientChanged
from packline_shipper.domain.parcel import Parcel


def label_is_stale(parcel: Parcel, changes: Sequence[OrderRecipientChanged]) -> bool:
    """The latest change of any live member asks for another recipient than the label shows
    (the waybill stage re-issues with exactly that recipient, so equality is the test)."""
    uids = {m.order.uid for m in parcel.live_members}
    mine = sorted((c for c in changes if c.order.uid in uids), key=lambda c: c.occurred_at)
    return bool(mine) and mine[-1].recipient != parcel.recipient
