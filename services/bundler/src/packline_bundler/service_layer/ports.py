"""What the bundler's batch use cases need from storage: typed repositories of aggregates on one
unit of work (adapters/unit_of_work.py over PostgreSQL; fakes in tests/unit)."""

import uuid
from collections.abc import Collection, Iterable, Sequence
from typing import Protocol

from packline_bundler.domain.arrival import Arrival
from packline_bundler.domain.arrivals import Exclusions, Groups
from packline_bundler.domain.bundle import Bundle
from packline_bundler.domain.review import Candidate, Joined, ReviewToOpen
from packline_bundler.domain.sealing import SealSettings
from packline_contracts import Event, OrderMatched, OrderRecipientChanged

Ref = tuple[str, str]  # (seller, group key): one OPEN bundle at most


class BundleRepository(Protocol):
    async def lock_sellers(self, sellers: Iterable[str]) -> None:
        """Shared: a person's decision about one of these sellers runs before or after us."""

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


class OrderRepository(Protocol):
    async def cancelled_among(self, uids: Sequence[str]) -> set[str]: ...

    async def revoked_among(self, event_ids: Sequence[uuid.UUID]) -> set[uuid.UUID]: ...

    async def readdressed(self, uids: Sequence[str]) -> dict[str, OrderRecipientChanged]:
        """The latest 배송지 변경 heard for each order (perhaps before its OrderMatched)."""

    async def memberships(self, uids: Sequence[str]) -> dict[str, bool]:
        """uid → whether its membership is live (False: withdrawn by an unmatch)."""


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


class SettingsRepository(Protocol):
    async def timing(self, sellers: Collection[str]) -> dict[str, SealSettings]: ...

    async def exclusions(self, sellers: Collection[str]) -> Exclusions: ...


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

    def emit(self, event: Event) -> None: ...
