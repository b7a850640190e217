"""A bundle as the bundler holds it (합포 단위): orders to one recipient (or one merge group)
gather in an OPEN bundle until it seals. Its status only moves OPEN → SEALED → ALLOCATED, or
to CANCELLED when it seals with no live order left (or a change empties it)."""

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from packline_bundler.domain.bundles import formed
from packline_contracts import BundleFormed, OrderMatched

Hashes = tuple[str, str, str, str]  # name, address, phone, mobile digests ("" when empty)


class BundleStatus(StrEnum):
    OPEN = "OPEN"
    SEALED = "SEALED"
    ALLOCATED = "ALLOCATED"
    CANCELLED = "CANCELLED"


class IllegalBundleStep(ValueError):
    """A transition the bundle cannot make; the message says which and why."""


@dataclass(frozen=True)
class Arrival:
    """An OrderMatched about to join a bundle: its exact recipient (bundle key), the digests of
    its fields (for review look-ups) and whether the seller's exclusions keep it alone."""

    order: OrderMatched
    key: str
    hashes: Hashes
    solo: bool

    @property
    def uid(self) -> str:
        return self.order.order.uid

    @property
    def seller_id(self) -> str:
        return self.order.seller_id

    def group(self, groups: dict[tuple[str, str], str]) -> str:
        """The bundle key it gathers under: its own when solo, else its merge group."""
        if self.solo:
            return f"solo:{self.uid}"
        return groups.get((self.seller_id, self.key), self.key)


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
