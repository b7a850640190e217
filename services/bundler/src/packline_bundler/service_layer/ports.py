"""What the bundler's use cases need from storage: typed repositories of aggregates on one
unit of work (adapters/unit_of_work.py over PostgreSQL; fakes in tests/unit)."""

import uuid
from collections.abc import Collection, Iterable, Sequence
from typing import Any, Protocol

from packline_bundler.domain.arrival import Arrival
from packline_bundler.domain.arrivals import Exclusions, Groups
from packline_bundler.domain.bundle import Bundle
from packline_bundler.domain.held import Held
from packline_bundler.domain.review import Candidate, Joined, PairDecision, Review, ReviewToOpen
from packline_bundler.domain.sealing import SealSettings
from packline_contracts import Event, OrderMatched, OrderRecipientChanged

Ref = tuple[str, str]  # (seller, group key): one OPEN bundle at most


class BundleRepository(Protocol):
    async def lock_sellers(self, sellers: Iterable[str], exclusive: bool = False) -> None:
        """Shared: a person's decision about one of these sellers runs before or after us;
        exclusive (a person's merge, keep-apart or unmerge): consumer batches wait for it."""

    async def lock_recipients(self, hashes: Iterable[str]) -> None:
        """Orders sharing a field digest are handled one batch after the other."""

    async def open_for(self, refs: Collection[Ref]) -> dict[Ref, Bundle]:
        """The OPEN bundles of these groups, locked, in one query."""

    async def add(self, bundles: Sequence[Bundle]) -> list[Bundle]:
        """Store new OPEN bundles; returns those not stored because another transaction
        opened their group's bundle first."""

    async def add_members(self, joined: Sequence[Joined]) -> set[str]:
        """The joined orders as members, set-based; returns the uids stored (the database's
        last guard: an order sits in one bundle, only a withdrawn membership is replaced)."""

    async def due(self, limit: int, seller_id: str | None, now: bool) -> list[Bundle]:
        """OPEN bundles whose time has come (all of a seller's when `now`), not held by a
        pending review, locked (skipping those another transaction holds)."""

    async def held(self, bundle_ids: Collection[uuid.UUID]) -> set[uuid.UUID]:
        """Those a pending review (확인필요) holds until a person decides."""

    async def live_members(
        self, bundle_ids: Collection[uuid.UUID]
    ) -> dict[uuid.UUID, list[OrderMatched]]: ...

    async def save_sealed(self, bundles: Sequence[Bundle]) -> None:
        """Sealed (revision, invoices, paid_at, sealed time) or over, set-based."""

    async def hold(self, ids: Collection[uuid.UUID] = (), orders: Collection[str] = ()) -> Held:
        """These bundles and those holding these orders (as members in any state), locked in
        one query, with all their members in one more (read once the locks are held)."""

    async def save(self, bundles: Iterable[Bundle]) -> None:
        """Write back what changed, set-based: new (split-off, sealed) bundles, bundle rows,
        and members that left, were flagged cancelled, withdrawn or moved."""

    async def is_sellers(self, seller_id: str, bundle_id: uuid.UUID) -> bool:
        """Whether the bundle is the seller's (no lock: a bundle never changes seller)."""

    async def open_of(self, seller_id: str) -> list[Bundle]:
        """The seller's OPEN bundles, locked, without their members."""


class OrderRepository(Protocol):
    async def cancelled_among(self, uids: Sequence[str]) -> set[str]: ...

    async def revoked_among(self, event_ids: Sequence[uuid.UUID]) -> set[uuid.UUID]: ...

    async def readdressed(self, uids: Sequence[str]) -> dict[str, OrderRecipientChanged]:
        """The latest 배송지 변경 heard for each order (perhaps before its OrderMatched)."""

    async def memberships(self, uids: Sequence[str]) -> dict[str, bool]:
        """uid → whether its membership is live (False: withdrawn by an unmatch)."""

    async def record_cancelled(self, uids: Sequence[str]) -> None:
        """Tombstones: a cancel may overtake its OrderMatched."""

    async def revoke(self, matches: Sequence[tuple[uuid.UUID, str]]) -> None:
        """(OrderMatched event id, order uid) withdrawn by an unmatch: a late copy never joins."""

    async def record_readdressed(self, changes: Sequence[OrderRecipientChanged]) -> None:
        """Remember the latest 배송지 변경 per order (a replayed older one does not win)."""


class ReviewRepository(Protocol):
    async def groups(self, keys: Collection[Ref]) -> Groups:
        """(seller, bundle key) → merge group key, for keys a person merged."""

    async def candidates(self, batch: Sequence[Arrival]) -> list[Candidate]:
        """Live members of OPEN bundleable bundles of these sellers sharing any field digest
        with any of these orders, in one query."""

    async def decided(self, pairs: Collection[tuple[str, str, str]]) -> set[tuple[str, str, str]]:
        """Among (seller, key a, key b), the pairs a person decided."""

    async def open(self, reviews: Sequence[ReviewToOpen]) -> None:
        """One pending review per pair (an existing pending one stays)."""

    async def pending_for_orders(self, uids: Sequence[str]) -> list[Review]:
        """PENDING reviews about any of these orders, locked, in one query."""

    async def is_sellers(self, seller_id: str, review_id: int) -> bool:
        """Whether the review is the seller's (no lock: a review never changes seller)."""

    async def lock(self, review_id: int) -> Review | None: ...

    async def save(self, reviews: Sequence[Review]) -> None:
        """Their status and decision time, set-based."""

    async def remember(
        self,
        seller_id: str,
        pair: tuple[str, str],
        decision: PairDecision,
        by: str,
        reason: str,
    ) -> None:
        """The pair's decision, for later orders of the same two recipients (the latest wins)."""

    async def join_groups(self, seller_id: str, a: str, b: str) -> str:
        """Merge the groups of two recipients (bundle keys); returns the union's group key."""

    async def repoint(self, old: uuid.UUID, new: uuid.UUID) -> None:
        """Reviews that named a bundle merged away now name the bundle it joined."""


class SettingsRepository(Protocol):
    async def timing(self, sellers: Collection[str]) -> dict[str, SealSettings]: ...

    async def exclusions(self, sellers: Collection[str]) -> Exclusions: ...

    async def save(self, seller_id: str, rule: SealSettings, by: str) -> None: ...

    async def exclude(self, seller_id: str, kind: str, value: str, by: str, why: str) -> None:
        """Never bundle the seller's orders of this SKU or marketplace (kept if there)."""

    async def include(self, seller_id: str, kind: str, value: str) -> bool:
        """Bundle them again; False if they were not excluded."""


class DecisionLog(Protocol):
    async def record(
        self, seller_id: str, action: str, subject: dict[str, Any], by: str, reason: str
    ) -> None:
        """Who decided what, when and why (people's decisions, and the system's own)."""


class Work(Protocol):
    """A unit of work as the bundling use cases see it."""

    @property
    def bundles(self) -> BundleRepository: ...

    @property
    def orders(self) -> OrderRepository: ...

    @property
    def reviews(self) -> ReviewRepository: ...

    @property
    def settings(self) -> SettingsRepository: ...

    @property
    def decisions(self) -> DecisionLog: ...

    def emit(self, event: Event) -> None: ...
