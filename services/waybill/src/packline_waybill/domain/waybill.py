"""A parcel (소포) and its waybill (송장): the allocated orders that leave in one box under one
tracking number. A bundle is one parcel, unless the marketplace forbids its orders to share a
number (separate invoices): then each order is a parcel of its own.

A parcel gets its number one of three ways (its courier account's method): from the seller's
number band at once (BAND), from the courier's returned Excel file (FILE), or from the courier's
booking API (API). Until then it is AWAITING. It is VOIDED with its last live order cancelled; a
voided number is never used again."""

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

WaybillStatus = Literal["AWAITING", "ISSUED", "VOIDED"]
Method = Literal["FILE", "BAND", "API"]


class IllegalWaybillStep(ValueError):
    """A transition the parcel cannot make (e.g. cancelling an order it does not hold)."""


@dataclass
class Waybill:
    """One parcel's state as the waybill stage keeps it."""

    parcel_id: uuid.UUID
    bundle_id: uuid.UUID
    seller_id: str
    courier_code: str
    tracking_number: str | None
    cancelled: dict[str, bool]  # order uid -> cancelled
    status: WaybillStatus = "ISSUED"
    voided_at: datetime | None = None
    method: Method = "BAND"

    @property
    def order_uids(self) -> list[str]:
        return list(self.cancelled)

    def cancel_order(self, uid: str, at: datetime) -> bool:
        """Mark one member cancelled, voiding the parcel with its last live member.
        Returns whether anything changed: a replayed cancel is a no-op."""
        if uid not in self.cancelled:
            raise IllegalWaybillStep(f"order {uid} is not in parcel {self.parcel_id}")
        if self.cancelled[uid]:
            return False
        self.cancelled[uid] = True
        if all(self.cancelled.values()):
            self.status = "VOIDED"
            self.voided_at = at
        return True


@dataclass(frozen=True)
class ParcelPlan:
    """A parcel to make from an allocated bundle: its id and the live orders it carries."""

    parcel_id: uuid.UUID
    members: tuple[BundleMember, ...]


def live_members(event: StockAllocated, cancelled: Set[str]) -> tuple[BundleMember, ...]:
    return tuple(m for m in event.members if m.order.uid not in cancelled)


def parcel_id_for(bundle_id: uuid.UUID, order_uid: str) -> uuid.UUID:
    """The id of one order's own parcel in a bundle split by separate invoices: the same on
    every replica and replay."""
    return uuid.uuid5(bundle_id, order_uid)


def plan_parcels(event: StockAllocated, cancelled: Set[str]) -> list[ParcelPlan]:
    """One parcel for the bundle (its id is the bundle's), or one per live order when the
    marketplace forbids them to share a number. Cancelled orders ride in no parcel."""
    live = live_members(event, cancelled)
    if not live:
        return []
    if event.separate_invoices and len(live) > 1:
        return [ParcelPlan(parcel_id_for(event.bundle_id, m.order.uid), (m,)) for m in live]
    return [ParcelPlan(event.bundle_id, live)]


def latest_recipient(
    members: Sequence[BundleMember], changes: Sequence[OrderRecipientChanged]
) -> Recipient | None:
    """The recipient the latest 배송지 변경 of any member asks for; None without a change.
    One box has one label, so the buyer's latest word wins for the whole parcel."""
    uids = {m.order.uid for m in members}
    mine = sorted((c for c in changes if c.order.uid in uids), key=lambda c: c.occurred_at)
    return mine[-1].recipient if mine else None


def new_parcel(
    event: StockAllocated, plan: ParcelPlan, courier_code: str, method: Method
) -> Waybill:
    """The parcel awaiting its number; `cancelled` covers only the orders it carries."""
    return Waybill(
        parcel_id=plan.parcel_id,
        bundle_id=event.bundle_id,
        seller_id=event.seller_id,
        courier_code=courier_code,
        tracking_number=None,
        cancelled={m.order.uid: False for m in plan.members},
        status="AWAITING",
        method=method,
    )


def waybill_issued(
    source: StockAllocated,
    waybill: Waybill,
    members: Sequence[BundleMember],
    recipient: Recipient,
    via: Method,
    pre_shipment_push: bool,
) -> WaybillIssued:
    """The fact that `waybill` got its number, naming its live orders only."""
    live = tuple(m for m in members if not waybill.cancelled.get(m.order.uid, True))
    if not live or waybill.tracking_number is None:
        raise IllegalWaybillStep(f"parcel {waybill.parcel_id} has no live orders or no number")
    return WaybillIssued(
        **source.follow_up(),
        bundle_id=source.bundle_id,
        parcel_id=waybill.parcel_id,
        courier_code=waybill.courier_code,
        tracking_number=waybill.tracking_number,
        issued_via=via,
        pre_shipment_push=pre_shipment_push,
        recipient=recipient,
        members=live,
    )


def reference(parcel_no: int, revision: int = 1) -> str:
    """What the courier file and the courier API carry for the parcel (고객주문번호)."""
    base = f"PL{parcel_no:08d}"
    return base if revision == 1 else f"{base}-{revision}"
