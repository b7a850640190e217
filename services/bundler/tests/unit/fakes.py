"""In-memory repositories for the bundler's batch use cases: no database, the same contracts as
adapters/bundle_store.py, review_store.py and unit_of_work.py (service_layer/ports.py)."""

import uuid
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field, replace

from packline_bundler.domain.arrival import Arrival
from packline_bundler.domain.arrivals import Exclusions, Groups
from packline_bundler.domain.bundle import Bundle, BundleStatus
from packline_bundler.domain.review import Candidate, Joined, ReviewToOpen
from packline_bundler.domain.sealing import SealSettings
from packline_contracts import Event, OrderMatched, OrderRecipientChanged


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
        self.pending: list[ReviewToOpen] = []  # shared with FakeReviews
        self.queries: list[str] = []

    async def lock_sellers(self, sellers: Iterable[str]) -> None:
        pass

    async def lock_recipients(self, hashes: Iterable[str]) -> None:
        pass

    def _copy(self, b: Bundle) -> Bundle:
        return replace(b, joined=[], sealed=None)

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
        for m in self.members.values():
            if m.bundle_id in found and not (m.withdrawn or m.cancelled):
                found[m.bundle_id].append(m.arrival.order)
        return found

    async def save_sealed(self, bundles: Sequence[Bundle]) -> None:
        for b in bundles:
            self.stored[b.bundle_id].status = b.status

    def of(self, uid: str) -> Bundle:
        return self.stored[self.members[uid].bundle_id]


class FakeOrders:
    def __init__(self, bundles: FakeBundles) -> None:
        self.bundles = bundles
        self.cancelled: set[str] = set()

    async def cancelled_among(self, uids: Sequence[str]) -> set[str]:
        return self.cancelled & set(uids)

    async def revoked_among(self, event_ids: Sequence[uuid.UUID]) -> set[uuid.UUID]:
        return set()

    async def readdressed(self, uids: Sequence[str]) -> dict[str, OrderRecipientChanged]:
        return {}

    async def memberships(self, uids: Sequence[str]) -> dict[str, bool]:
        found = {u: self.bundles.members.get(u) for u in uids}
        return {u: not m.withdrawn for u, m in found.items() if m is not None}


class FakeReviews:
    def __init__(self, bundles: FakeBundles) -> None:
        self.bundles = bundles
        self.merged: Groups = {}
        self.decisions: set[tuple[str, str, str]] = set()
        self.candidate_loads = 0

    async def groups(self, keys: Collection[tuple[str, str]]) -> Groups:
        return {k: g for k, g in self.merged.items() if k in keys}

    async def candidates(self, batch: Sequence[Arrival]) -> list[Candidate]:
        self.candidate_loads += 1
        found = []
        for m in self.bundles.members.values():
            b = self.bundles.stored[m.bundle_id]
            if b.status is not BundleStatus.OPEN or b.group_key.startswith("solo:"):
                continue
            if m.withdrawn or m.cancelled:
                continue
            a = m.arrival
            found.append(Candidate(b.bundle_id, b.group_key, a.key, a.order, a.hashes))
        return found

    async def decided(self, pairs: Collection[tuple[str, str, str]]) -> set[tuple[str, str, str]]:
        return self.decisions & set(pairs)

    async def open(self, reviews: Sequence[ReviewToOpen]) -> None:
        for r in reviews:
            if not any(
                (p.seller_id, p.pair) == (r.seller_id, r.pair) for p in self.bundles.pending
            ):
                self.bundles.pending.append(r)


@dataclass
class FakeSettings:
    rules: dict[str, SealSettings] = field(default_factory=dict)
    excluded: dict[str, dict[str, set[str]]] = field(default_factory=dict)

    async def timing(self, sellers: Collection[str]) -> dict[str, SealSettings]:
        return {s: r for s, r in self.rules.items() if s in sellers}

    async def exclusions(self, sellers: Collection[str]) -> Exclusions:
        return {s: e for s, e in self.excluded.items() if s in sellers}


class FakeWork:
    def __init__(self) -> None:
        self.bundles = FakeBundles()
        self.orders = FakeOrders(self.bundles)
        self.reviews = FakeReviews(self.bundles)
        self.settings = FakeSettings()
        self.emitted: list[Event] = []

    def emit(self, event: Event) -> None:
        self.emitted.append(event)
