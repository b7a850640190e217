"""A bundle as the allocator holds it (합포장 단위): its orders and what each still needs, with
a status that only moves WAITING → ALLOCATED → SHIPPED, or to CANCELLED when no order is left.
Allocation is all or nothing: every live order's needs are reserved together; a seller who
allows partial shipment may first `split` the orders that fit from those that wait (a new
bundle, the backorder), between orders, never inside one."""

import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from packline_allocator.domain.order_stock import BundleStatus, OrderStatus, settled


class IllegalBundleStep(ValueError):
    """A transition the bundle cannot make; the message says which and why."""


@dataclass
class OrderNeeds:
    """One order of the bundle: its status here and the units per SKU it needs; what the rule
    criteria weigh (its marketplace, what was paid, since when it waits here)."""

    order_uid: str
    status: OrderStatus
    needs: dict[str, int]
    reserved: bool = False
    marketplace: str = ""
    amount_krw: int = 0
    waiting_since: datetime | None = None  # kept when it moves to another bundle
    paid_at: datetime | None = None  # unknown: its bundle's

    @property
    def live(self) -> bool:
        return self.status is OrderStatus.LIVE


@dataclass
class Bundle:
    bundle_id: uuid.UUID
    seller_id: str
    paid_at: datetime
    status: BundleStatus
    orders: list[OrderNeeds] = field(default_factory=list)
    allocated_at: datetime | None = None
    changed: bool = False
    split_from: uuid.UUID | None = None  # a backorder: the bundle it was first split from

    @property
    def demand(self) -> dict[str, int]:
        """What its live orders need together, per SKU."""
        total: Counter[str] = Counter()
        for order in self.orders:
            if order.live:
                total.update(order.needs)
        return {sku: q for sku, q in total.items() if q > 0}

    @property
    def live_orders(self) -> list[OrderNeeds]:
        return [o for o in self.orders if o.live]

    @property
    def marketplaces(self) -> frozenset[str]:
        return frozenset(o.marketplace for o in self.live_orders)

    @property
    def amount_krw(self) -> int:
        """What its live orders paid, integer KRW."""
        return sum(o.amount_krw for o in self.live_orders)

    @property
    def waiting_since(self) -> datetime:
        """Since when its longest-waiting live order waits here (unknown: its paid time)."""
        return min(
            (o.waiting_since or self.paid_at for o in self.live_orders), default=self.paid_at
        )

    def in_paid_order(self) -> list[OrderNeeds]:
        """Its live orders as a partial shipment takes them: paid time, then order uid."""
        return sorted(self.live_orders, key=lambda o: (o.paid_at or self.paid_at, o.order_uid))

    def split(self, fitting: set[str], backorder_id: uuid.UUID) -> "Bundle":
        """미할당주문나누기: the live orders not in `fitting` leave for a new WAITING bundle (the
        backorder, keeping each order as it is); this bundle keeps the fitting ones. Both sides
        must keep a live order; only a WAITING bundle splits."""
        if self.status is not BundleStatus.WAITING:
            raise IllegalBundleStep(f"bundle {self.bundle_id} is {self.status}, not WAITING")
        live = {o.order_uid for o in self.live_orders}
        if not fitting or not fitting <= live:
            raise IllegalBundleStep(f"bundle {self.bundle_id}: no live order to ship, or not its")
        if fitting == live:
            raise IllegalBundleStep(f"bundle {self.bundle_id}: every order fits, nothing to split")
        leaving = [o for o in self.orders if o.live and o.order_uid not in fitting]
        self.orders = [o for o in self.orders if not (o.live and o.order_uid not in fitting)]
        self.changed = True
        paid = min((o.paid_at or self.paid_at for o in leaving), default=self.paid_at)
        return Bundle(
            backorder_id,
            self.seller_id,
            paid,
            BundleStatus.WAITING,
            leaving,
            changed=True,
            split_from=self.split_from or self.bundle_id,
        )

    def allocate(self, now: datetime) -> dict[str, dict[str, int]]:
        """The wave gives it stock: every live order is reserved what it needs. Returns the
        reservations per order uid (the stock ledgers take the same units)."""
        if self.status is not BundleStatus.WAITING:
            raise IllegalBundleStep(f"bundle {self.bundle_id} is {self.status}, not WAITING")
        if not self.demand:
            raise IllegalBundleStep(f"bundle {self.bundle_id} has no live order needing stock")
        self.status, self.allocated_at, self.changed = BundleStatus.ALLOCATED, now, True
        reservations = {}
        for order in self.live_orders:
            order.reserved = True
            reservations[order.order_uid] = {s: q for s, q in order.needs.items() if q > 0}
        return reservations

    def settle(self) -> BundleStatus | None:
        """No live order left: SHIPPED if any shipped, else CANCELLED (domain: `settled`)."""
        end = settled(o.status for o in self.orders)
        if end is not None and end is not self.status:
            self.status, self.changed = end, True
        return end
