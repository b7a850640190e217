"""In-memory repositories for the allocator's use cases: no database, the same contracts as
adapters/stock.py and adapters/allocation_bundles.py (ports.py)."""

import uuid
from collections.abc import Collection, Iterable, Mapping, Sequence

from packline_allocator.domain.allocation import Allocated, order_demand
from packline_allocator.domain.bundle import Bundle, OrderNeeds
from packline_allocator.domain.ledger import StockLedger
from packline_allocator.domain.order_stock import BundleStatus, OrderStatus
from packline_contracts import BundleFormed, Event


class FakeStock:
    def __init__(self) -> None:
        self.rows: dict[
            tuple[str, str], tuple[int, int]
        ] = {}  # (seller, sku) → (on hand, reserved)
        self.loaded: list[set[str]] = []  # the SKUs each load asked for

    async def lock_sellers(self, sellers: Iterable[str]) -> None:
        pass

    async def ledgers(self, seller_id: str, skus: Collection[str]) -> dict[str, StockLedger]:
        self.loaded.append(set(skus))
        return {
            sku: StockLedger(seller_id, sku, *self.rows[(seller_id, sku)])
            for sku in skus
            if (seller_id, sku) in self.rows
        }

    async def save(self, ledgers: Iterable[StockLedger]) -> None:
        for ledger in ledgers:
            if ledger.changed or not ledger.stored:
                assert 0 <= ledger.reserved <= ledger.on_hand  # the database's check
                self.rows[(ledger.seller_id, ledger.sku)] = (ledger.on_hand, ledger.reserved)
                ledger.stored, ledger.changed = True, False


class FakeBundles:
    def __init__(self) -> None:
        self.stored: dict[uuid.UUID, Bundle] = {}
        self.events: dict[uuid.UUID, BundleFormed] = {}
        self.reservations: dict[str, dict[str, int]] = {}

    def add(self, formed: BundleFormed, cancelled: Collection[str] = ()) -> Bundle:
        orders = [
            OrderNeeds(
                m.order.uid,
                OrderStatus.CANCELLED if m.order.uid in cancelled else OrderStatus.LIVE,
                dict(order_demand(m)),
            )
            for m in formed.members
        ]
        bundle = Bundle(
            formed.bundle_id, formed.seller_id, formed.paid_at, BundleStatus.WAITING, orders
        )
        self.stored[formed.bundle_id] = bundle
        self.events[formed.bundle_id] = formed
        return bundle

    async def waiting(self, seller_id: str, skus: Collection[str] | None) -> list[Bundle]:
        found = [
            b
            for b in self.stored.values()
            if b.seller_id == seller_id
            and b.status is BundleStatus.WAITING
            and b.demand
            and (skus is None or set(b.demand) & set(skus))
        ]
        return sorted(found, key=lambda b: (b.paid_at, b.bundle_id))

    async def skus_needed(self, bundle_ids: Collection[uuid.UUID]) -> dict[str, set[str]]:
        needed: dict[str, set[str]] = {}
        for bundle_id in bundle_ids:
            b = self.stored[bundle_id]
            if b.status is BundleStatus.WAITING:
                needed.setdefault(b.seller_id, set()).update(b.demand)
        return needed

    async def save_allocated(self, allocated: Sequence[Allocated]) -> None:
        for a in allocated:
            self.reservations.update(a.reservations)
            a.bundle.changed = False

    async def formed(self, bundle_ids: Collection[uuid.UUID]) -> Mapping[uuid.UUID, BundleFormed]:
        return {i: self.events[i] for i in bundle_ids}


class FakeWork:
    def __init__(self) -> None:
        self.stock = FakeStock()
        self.bundles = FakeBundles()
        self.emitted: list[Event] = []

    def emit(self, event: Event) -> None:
        self.emitted.append(event)

    def status(self, formed: BundleFormed) -> BundleStatus:
        return self.bundles.stored[formed.bundle_id].status
