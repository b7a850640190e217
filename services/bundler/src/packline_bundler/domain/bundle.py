"""A bundle as the bundler holds it (합포 단위): orders to one recipient (or one merge group)
gather in an OPEN bundle until it seals. Its status only moves OPEN → SEALED → ALLOCATED, or
to CANCELLED when it seals with no live order left (or a change empties it). After sealing, a
change (cancel, unmatch, 배송지 변경, unmerge) revises it until the allocator reserves it."""

import uuid
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from packline_bundler.domain.arrival import Arrival
from packline_bundler.domain.bundles import formed
from packline_bundler.domain.members import Member, MemberChanges
from packline_bundler.domain.sealing import SealSettings, seal_after
from packline_contracts import BundleFormed, OrderMatched, OrderRecipientChanged


class BundleStatus(StrEnum):
    OPEN = "OPEN"
    SEALED = "SEALED"
    ALLOCATED = "ALLOCATED"
    CANCELLED = "CANCELLED"


class Refused(ValueError):
    """The change cannot be made in the aggregate's state; the message says why and what to
    do."""


class IllegalBundleStep(Refused):
    """A transition the bundle cannot make; the message says which and why."""


class Leaving(StrEnum):
    """How an order left its bundle: out of an OPEN one (its row goes, its reviews lapse), or
    withdrawn from a SEALED one (which is revised)."""

    OPEN = "OPEN"
    SEALED = "SEALED"


@dataclass
class Bundle:
    bundle_id: uuid.UUID
    seller_id: str
    group_key: str
    recipient_key: str
    status: BundleStatus
    seal_after: datetime | None
    stored: bool = True
    joined: list[Arrival] = field(default_factory=list)
    sealed: BundleFormed | None = None
    revision: int = 1
    separate_invoices: bool = False
    paid_at: datetime | None = None
    opened_at: datetime | None = None
    members: dict[str, Member] = field(default_factory=dict)  # loaded by the change paths
    changes: MemberChanges = field(default_factory=MemberChanges)
    changed: bool = False  # its own row changed (status, revision, key, sealing time)
    to_revise: bool = False  # SEALED and a member left: BundleFormed again (revise)

    @classmethod
    def open(
        cls, seller_id: str, group_key: str, recipient_key: str, seal_after: datetime | None
    ) -> "Bundle":
        """A new OPEN bundle, not stored yet."""
        return cls(
            uuid.uuid4(), seller_id, group_key, recipient_key, BundleStatus.OPEN, seal_after, False
        )

    @property
    def ref(self) -> tuple[str, str]:
        return (self.seller_id, self.group_key)

    def join(self, arrival: Arrival) -> None:
        if self.status is not BundleStatus.OPEN:
            raise IllegalBundleStep(f"bundle {self.bundle_id} is {self.status}, not OPEN")
        if arrival.seller_id != self.seller_id:
            raise IllegalBundleStep(f"order {arrival.uid} is not seller {self.seller_id}'s")
        self.joined.append(arrival)

    def due(self, now: datetime) -> bool:
        """Its time has come (a hold window of 0 is due the moment it opens)."""
        return (
            self.status is BundleStatus.OPEN
            and self.seal_after is not None
            and self.seal_after <= now
        )

    def seal(self, live: list[OrderMatched]) -> BundleFormed | None:
        """Seal with its live orders (BundleFormed, revision 1); with none it is over."""
        if self.status is not BundleStatus.OPEN:
            raise IllegalBundleStep(f"bundle {self.bundle_id} is {self.status}, not OPEN")
        if not live:
            self.status = BundleStatus.CANCELLED
            return None
        self.status, self.sealed = BundleStatus.SEALED, formed(self.bundle_id, live)
        return self.sealed

    # after sealing: the change paths (service_layer/changes.py, readdress.py, review_decisions)

    def _require(self, status: BundleStatus, doing: str) -> None:
        if self.status is not status:
            raise IllegalBundleStep(
                f"bundle {self.bundle_id} is {self.status}, not {status}: {doing}"
            )

    def _release(self, uid: str) -> Member:
        """The member leaves this bundle for another (moved), without a trace here."""
        self.changes.moved.pop(uid, None)
        return self.members.pop(uid)

    def _take(self, member: Member) -> None:
        member.withdrawn = False
        self.members[member.uid] = member
        self.changes.moved[member.uid] = self.bundle_id

    def _leave(self, uid: str) -> Leaving:
        del self.members[uid]
        self.changes.left.add(uid)
        return Leaving.OPEN

    def _withdraw(self, uid: str) -> Leaving:
        self.members[uid].withdrawn = True
        self.changes.withdrawn.add(uid)
        self.to_revise = True
        return Leaving.SEALED

    def cancel_order(self, uid: str) -> None:
        """취소: an OPEN bundle loses the order; a later one keeps it, flagged, and a SEALED one
        (not allocated) is revised. The allocator releases stock on OrderCancelled itself."""
        if uid not in self.members:
            return
        if self.status is BundleStatus.OPEN:
            self._leave(uid)
            return
        self.members[uid].cancelled = True
        self.changes.cancelled.add(uid)
        if self.status is BundleStatus.SEALED:
            self.to_revise = True

    def unmatch(self, uid: str, matched_event_id: uuid.UUID) -> Leaving | None:
        """The OrderMatched that put the order here was withdrawn: it leaves an OPEN bundle, is
        withdrawn from a SEALED one; a newer match, an earlier withdrawal or an allocation
        (allocation wins) keep it."""
        member = self.members.get(uid)
        if member is None or member.matched_event_id != matched_event_id or member.withdrawn:
            return None
        return self._move_out(uid)

    def readdress(
        self, uid: str, change: OrderRecipientChanged
    ) -> tuple[Leaving, OrderMatched] | None:
        """배송지 변경: the order leaves (OPEN) or is withdrawn from (SEALED) its bundle and
        returns, readdressed, to join anew; None when nothing moves: taken out already (a later
        OrderMatched takes the change), the same recipient, or allocated (the waybill stage
        re-labels)."""
        member = self.members.get(uid)
        if member is None or not member.in_box or member.order.recipient == change.recipient:
            return None
        leaving = self._move_out(uid)
        return None if leaving is None else (leaving, readdressed(member.order, change))

    def _move_out(self, uid: str) -> Leaving | None:
        if self.status is BundleStatus.OPEN:
            return self._leave(uid)
        if self.status is BundleStatus.SEALED:
            return self._withdraw(uid)
        return None

    def revise(self) -> BundleFormed:
        """Emitted again (same id, next revision) without the members that left; with none
        left it is over, its earliest former member giving the event a recipient and chain."""
        self._require(BundleStatus.SEALED, "only a sealed bundle is revised")
        live = [m.order for m in self.members.values() if m.live]
        anchor = None
        if not live:
            anchor = min(self.members.values(), key=lambda m: (m.paid_at, m.uid)).order
        event = formed(self.bundle_id, live, self.revision + 1, anchor)
        self.revision, self.separate_invoices = event.revision, event.separate_invoices
        self.paid_at, self.changed, self.to_revise = event.paid_at, True, False
        self.settle()
        return event

    def settle(self) -> None:
        """A SEALED bundle with no order left in the box (they moved or left) is over."""
        if self.status is BundleStatus.SEALED and not any(m.in_box for m in self.members.values()):
            self.status, self.changed = BundleStatus.CANCELLED, True

    def allocate(self) -> None:
        """The allocator reserved its stock: final here, even over a change that emptied it. An
        allocated (a replay) or open one stays as it is."""
        if self.status in (BundleStatus.SEALED, BundleStatus.CANCELLED):
            self.status, self.changed = BundleStatus.ALLOCATED, True

    def take_back(self, uid: str, source: "Bundle") -> bool:
        """Allocation won: a member a change took out (withdrawn here, or rejoined `source`)
        comes back. Returns whether it moved."""
        if source is not self:
            self._take(source._release(uid))
            return True
        if not self.members[uid].withdrawn:
            return False
        self._take(self.members[uid])
        return True

    def unmerge(self, uids: Collection[str]) -> tuple["Bundle", BundleFormed]:
        """합포 해제: split these live orders off a SEALED bundle (not yet allocated) into a new
        sealed bundle of their own, with its BundleFormed; this one is to be revised."""
        if self.status is not BundleStatus.SEALED:
            raise IllegalBundleStep(
                f"bundle {self.bundle_id} is {self.status}: only a sealed bundle not yet"
                " allocated can be unmerged (an open one: keep the pair apart; an allocated one:"
                " cancel the order)"
            )
        live = {uid for uid, m in self.members.items() if m.live}
        strangers = sorted(set(uids) - live)
        if strangers:
            raise Refused(f"not live orders of bundle {self.bundle_id}: {', '.join(strangers)}")
        if live <= set(uids):
            raise Refused("leave at least one order in the bundle; split off the others")
        new_id = uuid.uuid4()
        key = f"unmerged:{new_id}"
        split = Bundle(new_id, self.seller_id, key, self.recipient_key, BundleStatus.SEALED, None)
        split.stored = False
        for uid in sorted(set(uids)):
            split._take(self._release(uid))
        event = formed(new_id, [m.order for m in split.members.values()])
        split.sealed, split.separate_invoices, split.paid_at = (
            event,
            event.separate_invoices,
            event.paid_at,
        )
        self.to_revise = True
        return split, event

    def can_merge(self, other: "Bundle") -> bool:
        return (
            self.bundle_id != other.bundle_id
            and self.status is BundleStatus.OPEN
            and other.status is BundleStatus.OPEN
        )

    def absorb(self, other: "Bundle", group_key: str) -> None:
        """합포 by a person's decision: the other OPEN bundle's orders join this OPEN one, which
        takes the merge group's key and the earlier sealing time (a bundle sealed only by the
        button takes the other's); the other is over."""
        if not self.can_merge(other):
            raise IllegalBundleStep(
                f"bundles {self.bundle_id} ({self.status}) and {other.bundle_id}"
                f" ({other.status}): only two open bundles merge"
            )
        for uid in list(other.members):
            self._take(other._release(uid))
        times = [t for t in (self.seal_after, other.seal_after) if t is not None]
        self.seal_after = min(times) if times else None
        self.group_key, self.changed = group_key, True
        other.status, other.changed = BundleStatus.CANCELLED, True

    def reschedule(self, rule: SealSettings, default_hold: timedelta, now: datetime) -> None:
        """The seller's sealing rule changed: a hold window counts from when the bundle opened,
        a cut-off from now."""
        self._require(BundleStatus.OPEN, "only an open bundle waits to seal")
        base = self.opened_at if rule.mode == "HOLD" and self.opened_at is not None else now
        self.seal_after, self.changed = seal_after(rule, base, default_hold), True


def readdressed(order: OrderMatched, change: OrderRecipientChanged) -> OrderMatched:
    """The order as if matched to its new recipient."""
    return order.model_copy(
        update={"recipient": change.recipient, "recipient_key": change.new_recipient_key}
    )


def can_unmerge(status: str, live_orders: int) -> bool:
    """What an unmerge needs (Bundle.unmerge): a sealed bundle not yet allocated, with an order
    to split off and one to keep."""
    return BundleStatus(status) is BundleStatus.SEALED and live_orders >= 2
