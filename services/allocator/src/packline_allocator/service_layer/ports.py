"""What the allocator's use cases need from storage: typed repositories of aggregates on one
unit of work (adapters/unit_of_work.py over PostgreSQL; fakes in tests/unit)."""

import uuid
from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import datetime
from typing import Protocol

from packline_allocator.domain.allocation import Allocated
from packline_allocator.domain.bundle import Bundle
from packline_allocator.domain.decisions import Decision, RecordedDecision, Trigger
from packline_allocator.domain.ledger import StockLedger
from packline_allocator.domain.movements import Movement
from packline_allocator.domain.order_stock import BundleOrder, BundleStatus
from packline_allocator.domain.partial import PartialShipment
from packline_allocator.domain.partial_cancel import PartialClaim, PartlyCancelled
from packline_allocator.domain.rules import RuleSet
from packline_allocator.domain.wave_modes import WaveSchedule
from packline_contracts import BundleFormed, Event


class StockRepository(Protocol):
    async def lock_sellers(self, sellers: Iterable[str]) -> None:
        """Stock changes of one seller run one at a time (across replicas)."""

    async def ledgers(self, seller_id: str, skus: Collection[str]) -> dict[str, StockLedger]:
        """The seller's ledgers of these SKUs that exist, locked, in one query."""

    async def ledgers_of(
        self, keys: Collection[tuple[str, str]]
    ) -> dict[tuple[str, str], StockLedger]:
        """Ledgers by (seller, SKU), locked, in one query; one object per ledger per batch."""

    async def save(self, ledgers: Iterable[StockLedger]) -> None:
        """Write back the ledgers that changed (new ones are inserted), set-based."""


class MovementRepository(Protocol):
    async def add(self, movements: Sequence[Movement]) -> None:
        """The audit rows of a batch of stock changes, set-based."""


class BundleRepository(Protocol):
    async def waiting(
        self,
        seller_id: str,
        skus: Collection[str] | None,
        among: Collection[uuid.UUID] = (),
    ) -> list[Bundle]:
        """The seller's WAITING bundles with their live orders, in allocation order (paid_at,
        bundle id): those needing any of `skus` or named in `among`, or all of them when `skus`
        is None."""

    async def waiting_by_seller(
        self, bundle_ids: Collection[uuid.UUID]
    ) -> dict[str, set[uuid.UUID]]:
        """Those of these bundles still WAITING, per seller."""

    async def save_allocated(self, allocated: Sequence[Allocated]) -> None:
        """Bundles the wave allocated: their status, time and each order's reservations."""

    async def formed(self, bundle_ids: Collection[uuid.UUID]) -> Mapping[uuid.UUID, BundleFormed]:
        """The BundleFormed (latest revision) each bundle was stored with."""

    async def add_backorders(self, backorders: Sequence[tuple[Bundle, BundleFormed]]) -> None:
        """New WAITING bundles split off (stored with their event and the bundle they came
        from); their orders move to them, keeping everything else. Before save_allocated."""


class PartialRepository(Protocol):
    async def of(self, seller_id: str) -> PartialShipment:
        """The seller's setting (none saved: not allowed)."""

    async def save(self, setting: PartialShipment, by: str) -> None: ...


class OrderRepository(Protocol):
    async def lock(self, order_uids: Sequence[str]) -> dict[str, BundleOrder]:
        """The orders (with their bundle's status and what they hold per SKU), locked."""

    async def save(self, orders: Sequence[BundleOrder]) -> None:
        """Statuses that changed; reservations of orders that hold nothing any more."""

    async def settle(self, bundle_ids: Sequence[uuid.UUID]) -> None:
        """Bundles with no live order left get their end status."""

    async def record_cancelled(self, order_uids: Sequence[str]) -> None:
        """Tombstones: these orders were heard cancelled (a cancel may overtake its bundle)."""

    async def cancelled_among(self, order_uids: Sequence[str]) -> set[str]: ...


class ClaimRepository(Protocol):
    async def lock(self, cancel_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, PartialClaim]: ...

    async def save(self, claims: Sequence[PartialClaim]) -> None:
        """The claims that changed."""

    async def add_cancelled_units(self, claims: Sequence[PartialClaim]) -> None:
        """The units of claims applied now, added per order line."""

    async def partly_cancelled(self, order_uids: Sequence[str]) -> list[PartlyCancelled]:
        """Live orders with cancelled units, locked."""

    async def save_shrunk(self, orders: Sequence[PartlyCancelled]) -> None:
        """Orders that shrank: their needs and what they hold now."""


class IntakeRepository(Protocol):
    async def insert(self, bundles: Sequence[BundleFormed], cancelled: Collection[str]) -> None:
        """New bundles and their orders (ignoring bundles stored already)."""

    async def stored_revisions(
        self, ids: Sequence[uuid.UUID]
    ) -> dict[uuid.UUID, tuple[BundleStatus, int]]:
        """Stored bundles among these, locked: their status and revision."""

    async def apply_revision(self, bundle: BundleFormed) -> None: ...

    async def adopt(self, bundles: Sequence[BundleFormed]) -> list[uuid.UUID]:
        """Members still live in an older waiting bundle move to the newest of these; returns
        the bundles they left."""

    async def settle_empty(self, ids: Sequence[uuid.UUID]) -> None: ...


class RuleRepository(Protocol):
    async def current(self, seller_id: str) -> RuleSet:
        """The newest version, or the default rule set (version 0) when none was saved."""

    async def history(self, seller_id: str, limit: int) -> list[RuleSet]:
        """Saved versions, newest first."""

    async def add(self, rules: RuleSet) -> None:
        """A new version (the caller holds the seller's lock and numbers it)."""


class WaveRepository(Protocol):
    async def record(
        self,
        seller_id: str,
        trigger: Trigger,
        started_at: datetime,
        rule_version: int,
        decisions: Sequence[Decision],
        waiting: int | None = None,
    ) -> uuid.UUID:
        """The wave and its decisions kept (domain/decisions.py `to_record`): one insert each;
        `waiting`: how many still wait, when not every decision is kept."""

    async def decisions_of(
        self, seller_id: str, bundle_id: uuid.UUID, limit: int
    ) -> list[RecordedDecision] | None:
        """Decisions of recorded waves on this bundle, newest first; None: the seller has no
        such bundle."""


class WaveModeRepository(Protocol):
    async def of(self, sellers: Collection[str]) -> dict[str, WaveSchedule]:
        """How each seller's waves run (CONTINUOUS when it chose nothing)."""

    async def save(self, seller_id: str, schedule: WaveSchedule, by: str) -> None: ...

    async def due(self, now: datetime, limit: int) -> list[str]:
        """Sellers whose scheduled wave is due, locked (another replica skips them)."""

    async def ran(self, seller_id: str, at: datetime) -> None: ...


class AllocationWork(Protocol):
    """A unit of work as the allocation use cases see it."""

    @property
    def stock(self) -> StockRepository: ...

    @property
    def bundles(self) -> BundleRepository: ...

    @property
    def rules(self) -> RuleRepository: ...

    @property
    def waves(self) -> WaveRepository: ...

    @property
    def wave_modes(self) -> WaveModeRepository: ...

    @property
    def partial(self) -> PartialRepository: ...

    def emit(self, event: Event) -> None: ...


class StockWork(AllocationWork, Protocol):
    """A unit of work as stock changes (재고 변경, 안전재고) see it: ledgers, their audit rows
    and the waves that follow."""

    @property
    def movements(self) -> MovementRepository: ...


class Work(AllocationWork, Protocol):
    """A unit of work as the event handlers see it: every repository of the allocator."""

    @property
    def orders(self) -> OrderRepository: ...

    @property
    def claims(self) -> ClaimRepository: ...

    @property
    def intake(self) -> IntakeRepository: ...
