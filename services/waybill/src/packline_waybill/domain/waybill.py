"""A waybill (송장): one tracking number for one bundle; voided when every order is cancelled."""

import uuid
from collections.abc import Sequence, Set
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from packline_contracts import (
    BundleMember,
    OrderRecipientChanged,
    Recipient,
    StockAllocated,
    WaybillIssued,
)

WaybillStatus = Literal["ISSUED", "VOIDED"]


class IllegalWaybillStep(ValueError):
    """A transition the waybill cannot make (e.g. cancelling an order it does not hold)."""


@dataclass
class Waybill:
    bundle_id: uuid.UUID
    seller_id: str
    courier_code: str
    tracking_number: str
    cancelled: dict[str, bool]  # order uid -> cancelled
    status: WaybillStatus = "ISSUED"
    voided_at: datetime | None = None

    @property
    def order_uids(self) -> list[str]:
        return list(self.cancelled)

    def cancel_order(self, uid: str, at: datetime) -> bool:
        """Mark one member cancelled, voiding the waybill with its last live member.
        Returns whether anything changed: a replayed cancel is a no-op."""
        if uid not in self.cancelled:
            raise IllegalWaybillStep(f"order {uid} is not on waybill {self.tracking_number}")
        if self.cancelled[uid]:
            return False
        self.cancelled[uid] = True
        if all(self.cancelled.values()):
            self.status = "VOIDED"
            self.voided_at = at
        return True


def live_members(event: StockAllocated, cancelled: Set[str]) -> tuple[BundleMember, ...]:
    return tuple(m for m in event.members if m.order.uid not in cancelled)


def latest_recipient(
    members: Sequence[BundleMember], changes: Sequence[OrderRecipientChanged]
) -> Recipient | None:
    """The recipient the latest 배송지 변경 of any member asks for; None without a change.
    One box has one label, so the buyer's latest word wins for the whole bundle."""
    uids = {m.order.uid for m in members}
    mine = sorted((c for c in changes if c.order.uid in uids), key=lambda c: c.occurred_at)
    return mine[-1].recipient if mine else None


def issue(
    event: StockAllocated,
    courier_code: str,
    tracking_number: str,
    cancelled: Set[str],
    recipient: Recipient | None = None,
) -> tuple[Waybill, WaybillIssued]:
    """The waybill for an allocated bundle and the fact it was issued, naming live members only."""
    live = live_members(event, cancelled)
    if not live:
        raise IllegalWaybillStep(f"bundle {event.bundle_id} has no live orders; issue nothing")
    waybill = Waybill(
        bundle_id=event.bundle_id,
        seller_id=event.seller_id,
        courier_code=courier_code,
        tracking_number=tracking_number,
        cancelled={m.order.uid: m.order.uid in cancelled for m in event.members},
    )
    issued = WaybillIssued(
        **event.follow_up(),
        bundle_id=event.bundle_id,
        courier_code=courier_code,
        tracking_number=tracking_number,
        recipient=recipient or event.recipient,
        members=live,
    )
    return waybill, issued
