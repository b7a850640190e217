"""What the allocator's use cases need from storage: typed repositories of aggregates on one
unit of work (adapters/unit_of_work.py over PostgreSQL; fakes in tests/unit)."""

import uuid
from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import Protocol

from packline_allocator.domain.allocation import Allocated
from packline_allocator.domain.bundle import Bundle
from packline_allocator.domain.ledger import StockLedger
from packline_contracts import BundleFormed, Event


class StockRepository(Protocol):
    async def lock_sellers(self, sellers: Iterable[str]) -> None:
        """Stock changes of one seller run one at a time (across replicas)."""

    async def ledgers(self, seller_id: str, skus: Collection[str]) -> dict[str, StockLedger]:
        """The seller's ledgers of these SKUs that exist, locked, in one query."""

    async def save(self, ledgers: Iterable[StockLedger]) -> None:
        """Write back the ledgers that changed (new ones are inserted), set-based."""


class BundleRepository(Protocol):
    async def waiting(self, seller_id: str, skus: Collection[str] | None) -> list[Bundle]:
        """The seller's WAITING bundles with their live orders, in allocation order (paid_at,
        bundle id): only those needing any of `skus`, or all of them when `skus` is None."""

    async def skus_needed(self, bundle_ids: Collection[uuid.UUID]) -> dict[str, set[str]]:
        """Per seller, the SKUs the live orders of these bundles (still WAITING) need."""

    async def save_allocated(self, allocated: Sequence[Allocated]) -> None:
        """Bundles the wave allocated: their status, time and each order's reservations."""

    async def formed(self, bundle_ids: Collection[uuid.UUID]) -> Mapping[uuid.UUID, BundleFormed]:
        """The BundleFormed (latest revision) each bundle was stored with."""


class AllocationWork(Protocol):
    """A unit of work as the allocation use cases see it."""

    @property
    def stock(self) -> StockRepository: ...

    @property
    def bundles(self) -> BundleRepository: ...

    def emit(self, event: Event) -> None: ...
