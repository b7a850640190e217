"""The orders of a bundle as a change sees them (cancel, unmatch, 배송지 변경, allocation,
unmerge, merge): each member's state, and what changed since it was loaded (written back
set-based by the repository)."""

import uuid
from dataclasses import dataclass, field
from datetime import datetime

from packline_contracts import OrderMatched


@dataclass
class Member:
    """An order in a bundle. `cancelled`: flagged after sealing (it stays, so the box's history
    is kept); `withdrawn`: unmatched or readdressed out of a sealed box (kept as a row until it
    joins anew); `heard_cancelled`: the order's cancel was heard (a tombstone). `event`: its
    OrderMatched, or the stored JSON of it until first read (most changes never read it)."""

    uid: str
    paid_at: datetime
    matched_event_id: uuid.UUID | None
    event: OrderMatched | str = field(repr=False)
    withdrawn: bool = False
    cancelled: bool = False
    heard_cancelled: bool = False

    @classmethod
    def of(cls, order: OrderMatched, **state: bool) -> "Member":
        return cls(order.order.uid, order.paid_at, order.event_id, order, **state)

    @property
    def order(self) -> OrderMatched:
        if isinstance(self.event, str):
            self.event = OrderMatched.model_validate_json(self.event)
        return self.event

    @property
    def in_box(self) -> bool:
        """Not taken out of the box: neither flagged cancelled nor withdrawn."""
        return not (self.cancelled or self.withdrawn)

    @property
    def live(self) -> bool:
        """In the box and not heard cancelled: it ships."""
        return self.in_box and not self.heard_cancelled


@dataclass
class MemberChanges:
    """What happened to members since the bundle was loaded, by order uid."""

    left: set[str] = field(default_factory=set)  # gone from an OPEN bundle (row deleted)
    cancelled: set[str] = field(default_factory=set)  # flagged cancelled
    withdrawn: set[str] = field(default_factory=set)  # withdrawn from a sealed bundle
    moved: dict[str, uuid.UUID] = field(default_factory=dict)  # now in this bundle, not withdrawn

    def __bool__(self) -> bool:
        return bool(self.left or self.cancelled or self.withdrawn or self.moved)
