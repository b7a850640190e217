"""In-memory repositories for the allocator's use cases: no database, the same contracts as
adapters/stock.py and adapters/allocation_bundles.py (ports.py); the wave settings and records
(rules, recorded waves, modes, partial shipment) are in fake_waves.py."""

import uuid
from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import datetime

from packline_allocator.domain.allocation import Allocated, order_demand
from packline_allocator.domain.bundle import Bundle, OrderNeeds
from packline_allocator.domain.ledger import StockLedger
from packline_allocator.domain.movements import Movement
from packline_allocator.domain.order_stock import BundleOrder, BundleStatus, OrderStatus
from packline_allocator.domain.partial_cancel import PartialClaim, PartlyCancelled
from packline_contracts import BundleFormed, Event

from .fake_waves import FakePartial, FakeRules, FakeWaveModes, FakeWaves


class FakeStock:
    def __init__(self) -> None:
        self.rows: dict[
            tuple[str, str], tuple[int, int]
        ] = {}  # (seller, sku) → (on hand, reserved)
        self.loaded: list[set[str]] = []  # the SKUs each load asked for
        self.safety: dict[tuple[str, str], int] = {}  # 안전재고, where set

    async def lock_sellers(self, sellers: Iterable[str]) -> None:
        pass

    async def ledgers(self, seller_id: str, skus: Collection[str]) -> dict[str, StockLedger]:
        self.loaded.append(set(skus))
        found = await self.ledgers_of([(seller_id, sku) for sku in skus])
        return {sku: ledger for (_, sku), ledger in found.items()}

    async def ledgers_of(
        self, keys: Collection[tuple[str, str]]
    ) -> dict[tuple[str, str], StockLedger]:
        return {
            key: StockLedger(*key, *self.rows[key], safety=self.safety.get(key, 0))
            for key in keys
            if key in self.rows
        }

    async def save(self, ledgers: Iterable[StockLedger]) -> None:
        for ledger in ledgers:
            if ledger.changed or not ledger.stored:
                assert 0 <= ledger.reserved <= ledger.on_hand  # the database's check
                self.rows[(ledger.seller_id, ledger.sku)] = (ledger.on_hand, ledger.reserved)
                self.safety[(ledger.seller_id, ledger.sku)] = ledger.safety
                ledger.stored, ledger.changed = True, False


class FakeMovements:
    def __init__(self) -> None:
        self.rows: list[Movement] = []

    async def add(self, movements: Sequence[Movement]) -> None:
        self.rows.extend(movements)


class FakeBundles:
    def __init__(self) -> None:
        self.stored: dict[uuid.UUID, Bundle] = {}
        self.events: dict[uuid.UUID, BundleFormed] = {}
        self.reservations: dict[str, dict[str, int]] = {}
        # each wave's look-up: None (every waiting bundle) or (SKUs, bundle ids named)
        self.loads: list[tuple[frozenset[str], frozenset[uuid.UUID]] | None] = []

    def add(
        self,
        formed: BundleFormed,
        cancelled: Collection[str] = (),
        waiting_since: datetime | None = None,
    ) -> Bundle:
        orders = [
            OrderNeeds(
                m.order.uid,
                OrderStatus.CANCELLED if m.order.uid in cancelled else OrderStatus.LIVE,
                dict(order_demand(m)),
                marketplace=m.order.marketplace.value,
                amount_krw=m.amount_krw,
                waiting_since=waiting_since or formed.occurred_at,
                paid_at=m.paid_at,
            )
            for m in formed.members
        ]
        bundle = Bundle(
            formed.bundle_id, formed.seller_id, formed.paid_at, BundleStatus.WAITING, orders
        )
        self.stored[formed.bundle_id] = bundle
        self.events[formed.bundle_id] = formed
        return bundle

    async def waiting(
        self,
        seller_id: str,
        skus: Collection[str] | None,
        among: Collection[uuid.UUID] = (),
    ) -> list[Bundle]:
        self.loads.append(None if skus is None else (frozenset(skus), frozenset(among)))
        found = [
            b
            for b in self.stored.values()
            if b.seller_id == seller_id
            and b.status is BundleStatus.WAITING
            and b.demand
            and (skus is None or set(b.demand) & set(skus) or b.bundle_id in among)
        ]
        return sorted(found, key=lambda b: (b.paid_at, b.bundle_id))

    async def waiting_by_seller(
        self, bundle_ids: Collection[uuid.UUID]
    ) -> dict[str, set[uuid.UUID]]:
        found: dict[str, set[uuid.UUID]] = {}
        for bundle_id in bundle_ids:
            b = self.stored[bundle_id]
            if b.status is BundleStatus.WAITING:
                found.setdefault(b.seller_id, set()).add(bundle_id)
        return found

    async def save_allocated(self, allocated: Sequence[Allocated]) -> None:
        for a in allocated:
            self.reservations.update(a.reservations)
            a.bundle.changed = False

    async def formed(self, bundle_ids: Collection[uuid.UUID]) -> Mapping[uuid.UUID, BundleFormed]:
        return {i: self.events[i] for i in bundle_ids}

    async def add_backorders(self, backorders: Sequence[tuple[Bundle, BundleFormed]]) -> None:
        for bundle, formed in backorders:
            assert bundle.bundle_id not in self.stored
            self.stored[bundle.bundle_id], self.events[bundle.bundle_id] = bundle, formed
            bundle.changed = False


class FakeOrders:
    """Orders as cancellations and shipments see them, over the fake bundles' aggregates."""

    def __init__(self, bundles: FakeBundles) -> None:
        self._bundles = bundles
        self.tombstones: set[str] = set()

    async def lock(self, order_uids: Sequence[str]) -> dict[str, BundleOrder]:
        found = {}
        for b in self._bundles.stored.values():
            for o in b.orders:
                if o.order_uid in order_uids:
                    held = dict(self._bundles.reservations.get(o.order_uid, {}))
                    found[o.order_uid] = BundleOrder(
                        o.order_uid, b.bundle_id, o.status, b.status, bool(held), b.seller_id, held
                    )
        return found

    async def save(self, orders: Sequence[BundleOrder]) -> None:
        for order in orders:
            bundle = self._bundles.stored[order.bundle_id]
            next(o for o in bundle.orders if o.order_uid == order.order_uid).status = order.status
            if order.held:
                self._bundles.reservations[order.order_uid] = dict(order.held)
            else:
                self._bundles.reservations.pop(order.order_uid, None)

    async def settle(self, bundle_ids: Sequence[uuid.UUID]) -> None:
        for bundle_id in bundle_ids:
            self._bundles.stored[bundle_id].settle()

    async def record_cancelled(self, order_uids: Sequence[str]) -> None:
        self.tombstones.update(order_uids)

    async def cancelled_among(self, order_uids: Sequence[str]) -> set[str]:
        return self.tombstones & set(order_uids)


class NoClaims:
    """Batches without 부분취소 never reach these."""

    async def lock(self, cancel_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, PartialClaim]:
        raise NotImplementedError

    async def save(self, claims: Sequence[PartialClaim]) -> None:
        raise NotImplementedError

    async def add_cancelled_units(self, claims: Sequence[PartialClaim]) -> None:
        raise NotImplementedError

    async def partly_cancelled(self, order_uids: Sequence[str]) -> list[PartlyCancelled]:
        return []

    async def save_shrunk(self, orders: Sequence[PartlyCancelled]) -> None:
        raise NotImplementedError


class NoIntake:
    """Bundles are put in place with FakeBundles.add."""

    async def insert(self, bundles: Sequence[BundleFormed], cancelled: Collection[str]) -> None:
        raise NotImplementedError

    async def stored_revisions(
        self, ids: Sequence[uuid.UUID]
    ) -> dict[uuid.UUID, tuple[BundleStatus, int]]:
        raise NotImplementedError

    async def apply_revision(self, bundle: BundleFormed) -> None:
        raise NotImplementedError

    async def adopt(self, bundles: Sequence[BundleFormed]) -> list[uuid.UUID]:
        raise NotImplementedError

    async def settle_empty(self, ids: Sequence[uuid.UUID]) -> None:
        raise NotImplementedError


class FakeWork:
    def __init__(self) -> None:
        self.stock = FakeStock()
        self.bundles = FakeBundles()
        self.rules = FakeRules()
        self.waves = FakeWaves(self.rules, self.bundles)
        self.orders = FakeOrders(self.bundles)
        self.claims = NoClaims()
        self.intake = NoIntake()
        self.movements = FakeMovements()
        self.wave_modes = FakeWaveModes()
        self.partial = FakePartial()
        self.emitted: list[Event] = []

    def emit(self, event: Event) -> None:
        self.emitted.append(event)

    def status(self, formed: BundleFormed) -> BundleStatus:
        return self.bundles.stored[formed.bundle_id].status
