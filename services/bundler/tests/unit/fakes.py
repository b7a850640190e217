"""In-memory repositories for the bundler's use cases: no database, the same contracts as
adapters/bundle_store.py, held_store.py, review_store.py and unit_of_work.py
(service_layer/ports.py). Reviews, settings and the decision log: fake_reviews.py."""

import uuid
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, replace

from packline_bundler.domain.arrival import Arrival
from packline_bundler.domain.bundle import Bundle, BundleStatus
from packline_bundler.domain.held import Held
from packline_bundler.domain.members import Member as Membership
from packline_bundler.domain.members import MemberChanges
from packline_bundler.domain.review import Joined
from packline_contracts import Event, OrderMatched, OrderRecipientChanged

from .fake_reviews import FakeDecisions, FakeReviews, FakeSettings, StoredReview


@dataclass
class Member:
    bundle_id: uuid.UUID
    arrival: Arrival
    withdrawn: bool = False
    cancelled: bool = False


class FakeBundles:
    def __init__(self) -> None:
        self.stored: dict[uuid.UUID, Bundle] = {}
        self.members: dict[str, Member] = {}
        self.reviews: dict[int, StoredReview] = {}  # shared with FakeReviews
        self.tombstones: set[str] = set()  # shared with FakeOrders (cancelled_orders)
        self.queries: list[str] = []
        self.exclusive: list[str] = []

    @property
    def pending(self) -> list[StoredReview]:
        return [r for r in self.reviews.values() if r.status == "PENDING"]

    async def lock_sellers(self, sellers: Iterable[str], exclusive: bool = False) -> None:
        if exclusive:
            self.exclusive += list(sellers)

    async def lock_recipients(self, hashes: Iterable[str]) -> None:
        pass

    def _copy(self, b: Bundle) -> Bundle:
        return replace(
            b, joined=[], sealed=None, members={}, changes=MemberChanges(), to_revise=False
        )

    async def open_for(self, refs: Collection[tuple[str, str]]) -> dict[tuple[str, str], Bundle]:
        self.queries.append("open_for")
        return {
            b.ref: self._copy(b)
            for b in self.stored.values()
            if b.status is BundleStatus.OPEN and b.ref in refs
        }

    async def add(self, bundles: Sequence[Bundle]) -> list[Bundle]:
        lost = []
        for b in bundles:
            if any(s.ref == b.ref and s.status is BundleStatus.OPEN for s in self.stored.values()):
                lost.append(b)
                continue
            b.stored = True
            self.stored[b.bundle_id] = self._copy(b)
        return lost

    async def add_members(self, joined: Sequence[Joined]) -> set[str]:
        self.queries.append("add_members")
        added = set()
        for arrival, bundle_id, _ in joined:
            was = self.members.get(arrival.uid)
            if was is None or was.withdrawn:
                self.members[arrival.uid] = Member(bundle_id, arrival)
                added.add(arrival.uid)
        return added

    async def due(self, limit: int, seller_id: str | None, now: bool) -> list[Bundle]:
        raise NotImplementedError  # the seal loop is tested against PostgreSQL

    async def held(self, bundle_ids: Collection[uuid.UUID]) -> set[uuid.UUID]:
        return {b for r in self.pending for b in r.bundles} & set(bundle_ids)

    async def live_members(
        self, bundle_ids: Collection[uuid.UUID]
    ) -> dict[uuid.UUID, list[OrderMatched]]:
        found: dict[uuid.UUID, list[OrderMatched]] = {b: [] for b in bundle_ids}
        for uid, m in self.members.items():
            if m.bundle_id in found and not (m.withdrawn or m.cancelled or uid in self.tombstones):
                found[m.bundle_id].append(m.arrival.order)
        return found

    async def save_sealed(self, bundles: Sequence[Bundle]) -> None:
        for b in bundles:
            self.stored[b.bundle_id].status = b.status
            if b.sealed is not None:
                self.stored[b.bundle_id].revision = b.sealed.revision

    async def hold(self, ids: Collection[uuid.UUID] = (), orders: Collection[str] = ()) -> Held:
        self.queries.append("hold")
        wanted = set(ids) | {self.members[u].bundle_id for u in orders if u in self.members}
        found = []
        for bundle_id in sorted(wanted & self.stored.keys()):
            bundle = self._copy(self.stored[bundle_id])
            for uid, m in self.members.items():
                if m.bundle_id == bundle_id:
                    bundle.members[uid] = Membership.of(
                        m.arrival.order,
                        withdrawn=m.withdrawn,
                        cancelled=m.cancelled,
                        heard_cancelled=uid in self.tombstones,
                    )
            found.append(bundle)
        return Held(found)

    async def save(self, bundles: Iterable[Bundle]) -> None:
        self.queries.append("save")
        for b in bundles:
            self.stored[b.bundle_id] = self._copy(b)
            b.stored, b.changed = True, False
            for uid in b.changes.left:
                del self.members[uid]
            for uid in b.changes.cancelled:
                self.members[uid].cancelled = True
            for uid in b.changes.withdrawn:
                self.members[uid].withdrawn = True
            for uid, bundle_id in b.changes.moved.items():
                self.members[uid].bundle_id, self.members[uid].withdrawn = bundle_id, False
            b.changes = MemberChanges()
        live = [b.ref for b in self.stored.values() if b.status is BundleStatus.OPEN]
        assert len(live) == len(set(live)), "one OPEN bundle per group (the database's guard)"

    async def is_sellers(self, seller_id: str, bundle_id: uuid.UUID) -> bool:
        found = self.stored.get(bundle_id)
        return found is not None and found.seller_id == seller_id

    async def open_of(self, seller_id: str) -> list[Bundle]:
        return [
            self._copy(b)
            for b in self.stored.values()
            if b.seller_id == seller_id and b.status is BundleStatus.OPEN
        ]

    def of(self, uid: str) -> Bundle:
        return self.stored[self.members[uid].bundle_id]


class FakeOrders:
    def __init__(self, bundles: FakeBundles) -> None:
        self.bundles = bundles
        self.cancelled = bundles.tombstones
        self.revoked: set[uuid.UUID] = set()
        self.changes: dict[str, OrderRecipientChanged] = {}

    async def cancelled_among(self, uids: Sequence[str]) -> set[str]:
        return self.cancelled & set(uids)

    async def revoked_among(self, event_ids: Sequence[uuid.UUID]) -> set[uuid.UUID]:
        return self.revoked & set(event_ids)

    async def readdressed(self, uids: Sequence[str]) -> dict[str, OrderRecipientChanged]:
        return {u: c for u, c in self.changes.items() if u in uids}

    async def memberships(self, uids: Sequence[str]) -> dict[str, bool]:
        found = {u: self.bundles.members.get(u) for u in uids}
        return {u: not m.withdrawn for u, m in found.items() if m is not None}

    async def record_cancelled(self, uids: Sequence[str]) -> None:
        self.cancelled.update(uids)

    async def revoke(self, matches: Sequence[tuple[uuid.UUID, str]]) -> None:
        self.revoked.update(m for m, _ in matches)

    async def record_readdressed(self, changes: Sequence[OrderRecipientChanged]) -> None:
        for c in sorted(changes, key=lambda c: c.occurred_at):
            was = self.changes.get(c.order.uid)
            if was is None or was.occurred_at <= c.occurred_at:
                self.changes[c.order.uid] = c


class FakeWork:
    def __init__(self) -> None:
        self.bundles = FakeBundles()
        self.orders = FakeOrders(self.bundles)
        self.reviews = FakeReviews(self.bundles)
        self.settings = FakeSettings()
        self.decisions = FakeDecisions()
        self.emitted: list[Event] = []

    def emit(self, event: Event) -> None:
        self.emitted.append(event)
