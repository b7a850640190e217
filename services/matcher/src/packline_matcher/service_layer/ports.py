"""What the matcher's use cases need from storage: typed repositories on one unit of work
(adapters/unit_of_work.py over PostgreSQL; fakes in tests/unit). Each load takes what a whole
batch touches in one query; each write is one set-based statement."""

import uuid
from collections.abc import Collection, Iterable, Sequence
from typing import Protocol

from packline_contracts import Event, OrderCollected, OrderRecipientChanged, SkuLine
from packline_matcher.domain.catalogue import CatalogueItem
from packline_matcher.domain.mappings import Decision
from packline_matcher.domain.matching import MappingKey, Matched
from packline_matcher.domain.queue import HeldOrder


class MappingRepository(Protocol):
    async def lock_listings(self, keys: Iterable[MappingKey], exclusive: bool) -> None:
        """Orders take these shared, a new or deleted mapping exclusive: an order is never
        held while its mapping is being added, and a mapping never misses an order being
        held. Always before any row the transaction touches."""

    async def get_many(self, keys: Iterable[MappingKey]) -> dict[MappingKey, tuple[SkuLine, ...]]:
        """The mappings among these keys that exist, in one query."""

    async def put(self, key: MappingKey, skus: Sequence[SkuLine], created_by: str) -> None:
        """Learn (or replace) a mapping."""

    async def delete(self, key: MappingKey) -> tuple[SkuLine, ...] | None:
        """Forget a mapping; returns its SKUs, None when there was none."""


class CatalogueRepository(Protocol):
    async def known_pairs(self, pairs: Iterable[tuple[str, str]]) -> set[tuple[str, str]]:
        """Which (seller, SKU) pairs are in a catalogue, for many sellers in one query."""

    async def known_skus(self, seller_id: str, skus: Iterable[str]) -> set[str]: ...

    async def upsert(self, seller_id: str, items: Sequence[CatalogueItem], by: str) -> None: ...


class QueueRepository(Protocol):
    """The unmatched queue (held orders)."""

    async def among(self, uids: Collection[str]) -> dict[str, HeldOrder]:
        """Those of these orders that wait, locked, in one query."""

    async def for_listing(self, key: MappingKey) -> list[HeldOrder]:
        """The orders waiting for this listing, locked, oldest first."""

    async def save(self, held: Sequence[HeldOrder]) -> None:
        """New entries inserted, changed ones written back (their suggestions asked for
        again), set-based."""

    async def release(self, uids: Sequence[str]) -> None:
        """These orders leave the queue."""

    async def ask_again(self, seller_id: str) -> None:
        """The seller's catalogue changed: every waiting order of theirs is suggested again."""


class MatchedRepository(Protocol):
    """The orders matched (what each used, so a deleted mapping can take it back)."""

    async def record(self, matched: Sequence[tuple[OrderCollected, Matched]]) -> set[str]:
        """Returns the uids newly recorded; an order matched already is not matched again."""

    async def matched_by(self, key: MappingKey) -> list[tuple[OrderCollected, uuid.UUID]]:
        """Orders this mapping matched that are not (known to be) allocated, locked, with the
        OrderMatched event id each produced."""

    async def forget(self, uids: Sequence[str]) -> None: ...

    async def mark_allocated(self, uids: Sequence[str]) -> None:
        """Allocated: no deleted mapping can take these back any more."""

    async def record_allocated(self, orders: Sequence[OrderCollected]) -> None:
        """Orders allocated before their unmatch reached the allocator: they ship as
        allocated."""


class OrderRepository(Protocol):
    """What the matcher heard of orders besides their collection: cancels, 배송지 변경."""

    async def record_cancelled(self, uids: Sequence[str]) -> None:
        """Tombstones: a cancel may overtake its order."""

    async def cancelled_among(self, uids: Sequence[str]) -> set[str]: ...

    async def readdress(self, changes: Sequence[OrderRecipientChanged]) -> None:
        """The stored order (held, or matched and perhaps matched again) takes the change's
        recipient; one change per order."""


class DecisionRepository(Protocol):
    async def record(self, decisions: Sequence[Decision]) -> None:
        """Append to the record of decisions in one statement, in this order."""


class Work(Protocol):
    """A unit of work as the matcher's use cases see it."""

    @property
    def mappings(self) -> MappingRepository: ...

    @property
    def catalogue(self) -> CatalogueRepository: ...

    @property
    def queue(self) -> QueueRepository: ...

    @property
    def matched(self) -> MatchedRepository: ...

    @property
    def orders(self) -> OrderRepository: ...

    @property
    def decisions(self) -> DecisionRepository: ...

    def emit(self, event: Event) -> None: ...
