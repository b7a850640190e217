"""In-memory repositories for the matcher's use cases: no database, the same contracts as
adapters/unit_of_work.py (service_layer/ports.py). Each counts its loads and writes, so tests
can hold a batch to one query per kind."""

import uuid
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field, replace

from packline_contracts import Event, OrderCollected, OrderRecipientChanged, SkuLine
from packline_matcher.domain.catalogue import CatalogueItem
from packline_matcher.domain.mappings import Decision
from packline_matcher.domain.matching import ListingKey, MappingKey, Matched
from packline_matcher.domain.queue import HeldOrder


class FakeMappings:
    def __init__(self) -> None:
        self.stored: dict[MappingKey, tuple[SkuLine, ...]] = {}
        self.locks: list[tuple[list[MappingKey], bool]] = []
        self.loads = 0

    async def lock_listings(self, keys: Iterable[MappingKey], exclusive: bool) -> None:
        self.locks.append((sorted(set(keys)), exclusive))

    async def get_many(self, keys: Iterable[MappingKey]) -> dict[MappingKey, tuple[SkuLine, ...]]:
        self.loads += 1
        return {k: self.stored[k] for k in set(keys) if k in self.stored}

    async def put(self, key: MappingKey, skus: Sequence[SkuLine], created_by: str) -> None:
        self.stored[key] = tuple(skus)

    async def delete(self, key: MappingKey) -> tuple[SkuLine, ...] | None:
        return self.stored.pop(key, None)


class FakeCatalogue:
    def __init__(self) -> None:
        self.skus: set[tuple[str, str]] = set()  # (seller, SKU)
        self.loads = 0

    async def known_pairs(self, pairs: Iterable[tuple[str, str]]) -> set[tuple[str, str]]:
        self.loads += 1
        return self.skus & set(pairs)

    async def known_skus(self, seller_id: str, skus: Iterable[str]) -> set[str]:
        return {sku for sku in skus if (seller_id, sku) in self.skus}

    async def upsert(self, seller_id: str, items: Sequence[CatalogueItem], by: str) -> None:
        self.skus |= {(seller_id, i.sku) for i in items}


def _copy(entry: HeldOrder) -> HeldOrder:
    return replace(entry, missing=list(entry.missing))


class FakeQueue:
    def __init__(self) -> None:
        self.rows: dict[str, HeldOrder] = {}  # in the order held
        self.asked_again: set[str] = set()  # uids whose suggestions were asked for again
        self.saves = 0

    async def among(self, uids: Collection[str]) -> dict[str, HeldOrder]:
        return {u: _copy(self.rows[u]) for u in uids if u in self.rows}

    async def for_listing(self, key: MappingKey) -> list[HeldOrder]:
        seller, marketplace, listing, option = key
        return [
            _copy(h)
            for h in self.rows.values()
            if h.order.seller_id == seller
            and h.order.order.marketplace.value == marketplace
            and (listing, option) in h.missing
        ]

    async def save(self, held: Sequence[HeldOrder]) -> None:
        self.saves += 1
        for h in held:
            if not h.stored:
                self.rows.setdefault(h.uid, _copy(replace(h, stored=True)))
            elif h.asked_again:
                self.rows[h.uid].missing = list(h.missing)
                self.asked_again.add(h.uid)
            h.stored, h.asked_again = True, False

    async def release(self, uids: Sequence[str]) -> None:
        for uid in uids:
            self.rows.pop(uid, None)

    async def ask_again(self, seller_id: str) -> None:
        self.asked_again |= {u for u, h in self.rows.items() if h.order.seller_id == seller_id}

    def missing(self, order: OrderCollected) -> list[ListingKey]:
        return self.rows[order.order.uid].missing


@dataclass
class MatchedRow:
    order: OrderCollected
    matched_event_id: uuid.UUID | None
    via: list[ListingKey] = field(default_factory=list)
    allocated: bool = False


class FakeMatched:
    def __init__(self) -> None:
        self.rows: dict[str, MatchedRow] = {}
        self.writes = 0

    async def record(self, matched: Sequence[tuple[OrderCollected, Matched]]) -> set[str]:
        self.writes += 1
        fresh = set()
        for order, result in matched:
            if order.order.uid not in self.rows:
                row = MatchedRow(order, result.event.event_id, list(result.via_mappings))
                self.rows[order.order.uid] = row
                fresh.add(order.order.uid)
        return fresh

    async def matched_by(self, key: MappingKey) -> list[tuple[OrderCollected, uuid.UUID]]:
        seller, marketplace, listing, option = key
        return [
            (r.order, r.matched_event_id)
            for uid, r in sorted(self.rows.items())
            if r.order.seller_id == seller
            and r.order.order.marketplace.value == marketplace
            and not r.allocated
            and r.matched_event_id is not None
            and (listing, option) in r.via
        ]

    async def forget(self, uids: Sequence[str]) -> None:
        for uid in uids:
            self.rows.pop(uid, None)

    async def mark_allocated(self, uids: Sequence[str]) -> None:
        for uid in uids:
            if uid in self.rows:
                self.rows[uid].allocated = True

    async def record_allocated(self, orders: Sequence[OrderCollected]) -> None:
        self.writes += 1
        for order in orders:
            self.rows.setdefault(order.order.uid, MatchedRow(order, None)).allocated = True


class FakeOrders:
    def __init__(self, queue: FakeQueue, matched: FakeMatched) -> None:
        self.tombstones: set[str] = set()
        self._queue, self._matched = queue, matched

    async def record_cancelled(self, uids: Sequence[str]) -> None:
        self.tombstones |= set(uids)

    async def cancelled_among(self, uids: Sequence[str]) -> set[str]:
        return self.tombstones & set(uids)

    async def readdress(self, changes: Sequence[OrderRecipientChanged]) -> None:
        for c in changes:
            moved = {"recipient": c.recipient, "recipient_key": c.new_recipient_key}
            for row in (self._queue.rows.get(c.order.uid), self._matched.rows.get(c.order.uid)):
                if row is not None:
                    row.order = row.order.model_copy(update=moved)


class FakeDecisions:
    def __init__(self) -> None:
        self.recorded: list[Decision] = []
        self.writes = 0

    async def record(self, decisions: Sequence[Decision]) -> None:
        self.writes += 1
        self.recorded.extend(decisions)


class FakeWork:
    def __init__(self) -> None:
        self.mappings = FakeMappings()
        self.catalogue = FakeCatalogue()
        self.queue = FakeQueue()
        self.matched = FakeMatched()
        self.orders = FakeOrders(self.queue, self.matched)
        self.decisions = FakeDecisions()
        self.emitted: list[Event] = []

    def emit(self, event: Event) -> None:
        self.emitted.append(event)
