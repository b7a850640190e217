"""A parcel (택배) waiting on the shipping line: READY until scanned (SHIPPED) or, once every
order in it is cancelled, STOPPED (출고 중지). After 배송지 변경 its label is wrong: RELABEL
(held) until the bundle's new number arrives, then VOIDED; neither can ship."""

import uuid
from collections.abc import Mapping, Set
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from packline_contracts import MatchedLine, OrderRef, Recipient, Shipped, WaybillIssued
from packline_shipper.domain.shipment import remaining_lines, shipped_event

ParcelStatus = Literal["READY", "SHIPPED", "STOPPED", "RELABEL", "VOIDED"]
RELABEL_REASON = "출고 중지 — 주소 변경, 송장 재출력 필요"
CancelOutcome = Literal["CANCELLED", "STOPPED", "UNCHANGED", "ALREADY_SHIPPED"]


class IllegalParcelStep(ValueError):
    """A transition the parcel cannot make; the message says which and why."""


class ParcelStopped(IllegalParcelStep):
    """Every order of the parcel was cancelled: it must not leave (출고 중지)."""


@dataclass
class ParcelMember:
    order: OrderRef
    line_ids: tuple[str, ...]
    matched_lines: tuple[MatchedLine, ...]
    cancelled: bool = False
    line_units: dict[str, int] = field(default_factory=dict)  # units per line on the label
    cancelled_units: dict[str, int] = field(default_factory=dict)  # 부분취소 since, per line

    @property
    def changed(self) -> bool:
        """Cancelled whole or in part after its label was printed: the box holds its goods."""
        return self.cancelled or any(self.cancelled_units.values())

    @property
    def shipping_lines(self) -> tuple[MatchedLine, ...]:
        return remaining_lines(self.matched_lines, self.line_units, self.cancelled_units)


@dataclass
class Parcel:
    tracking_number: str
    bundle_id: uuid.UUID
    parcel_id: uuid.UUID  # the bundle's id unless the bundle leaves as several parcels
    courier_code: str
    seller_id: str
    correlation_id: uuid.UUID
    waybill_event_id: uuid.UUID  # the Shipped it leads to is caused by this WaybillIssued
    members: list[ParcelMember]
    status: ParcelStatus = "READY"
    shipped_at: datetime | None = None
    shipped_by: str | None = field(default=None)
    recipient: Recipient | None = None  # on the label; None for parcels recorded before 002

    @classmethod
    def from_waybill(cls, event: WaybillIssued, cancelled: Set[str]) -> "Parcel":
        """A new parcel; orders cancelled before the waybill arrived are marked at once."""
        parcel = cls(
            tracking_number=event.tracking_number,
            bundle_id=event.bundle_id,
            parcel_id=event.parcel_id,
            courier_code=event.courier_code,
            seller_id=event.seller_id,
            correlation_id=event.correlation_id,
            waybill_event_id=event.event_id,
            members=[
                ParcelMember(
                    m.order,
                    tuple(line.line_id for line in m.lines),
                    m.matched_lines,
                    line_units={line.line_id: line.quantity for line in m.lines},
                )
                for m in event.members
            ],
            recipient=event.recipient,
        )
        for member in parcel.members:
            if member.order.uid in cancelled:
                parcel.cancel_order(member.order.uid)
        return parcel

    @property
    def live_members(self) -> list[ParcelMember]:
        return [m for m in self.members if not m.cancelled]

    def holds(self, uid: str) -> bool:
        return any(m.order.uid == uid for m in self.members)

    def cancel_order(self, uid: str) -> CancelOutcome:
        """Mark one order cancelled; the last one stops the parcel. After shipping, nothing
        changes here (the package has left: that is a return, 반품)."""
        member = next((m for m in self.members if m.order.uid == uid), None)
        if member is None:
            raise IllegalParcelStep(f"order {uid} is not in parcel {self.tracking_number}")
        if self.status == "SHIPPED":
            return "ALREADY_SHIPPED"
        if member.cancelled or self.status == "VOIDED":
            return "UNCHANGED"
        member.cancelled = True
        if not self.live_members:
            self.status = "STOPPED"
            return "STOPPED"
        return "CANCELLED"

    def cancel_units(self, uid: str, totals: Mapping[str, int]) -> CancelOutcome:
        """부분취소: the order's units cancelled so far per line (totals, so a replay changes
        nothing). The parcel stays READY but its label is wrong until repacked (INCOMPLETE)."""
        member = next((m for m in self.members if m.order.uid == uid), None)
        if member is None:
            raise IllegalParcelStep(f"order {uid} is not in parcel {self.tracking_number}")
        if self.status == "SHIPPED":
            return "ALREADY_SHIPPED"
        if member.cancelled or self.status == "VOIDED" or member.cancelled_units == totals:
            return "UNCHANGED"
        member.cancelled_units = dict(totals)
        return "CANCELLED"

    def ship(self, scanned_by: str, at: datetime) -> Shipped | None:
        """Scanned at the line: the Shipped fact, or None when it already shipped (re-scan)."""
        if self.status == "SHIPPED":
            return None
        if self.status == "STOPPED":
            raise ParcelStopped(
                f"{self.tracking_number}: 출고 중지 — every order in this parcel was cancelled; "
                "take it off the line"
            )
        if self.status in ("RELABEL", "VOIDED"):
            raise ParcelStopped(f"{self.tracking_number}: {RELABEL_REASON}")
        self.status = "SHIPPED"
        self.shipped_at = at
        self.shipped_by = scanned_by
        return shipped_event(self, at)

    def hold_for_relabel(self) -> bool:
        """The label names an old address: only a READY parcel is held (a stopped one does
        not leave anyway; a shipped one is the collector's attention list's)."""
        if self.status != "READY":
            return False
        self.status = "RELABEL"
        return True

    def void(self) -> bool:
        """Replaced by a new number for the same bundle: this label never ships."""
        if self.status in ("SHIPPED", "VOIDED"):
            return False
        self.status = "VOIDED"
        return True
