"""What a cancellation or a shipment does to an order's stock here (취소, 출고): the rules, as
guarded steps that return the stock movement they cause. The shipper decides which of a cancel
and a scan won (docs/adr/0003); a shipment is a physical fact and always leaves on-hand."""

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import Enum, StrEnum

from packline_allocator.domain.ledger import StockLedger


class OrderStatus(StrEnum):
    LIVE = "LIVE"
    CANCELLED = "CANCELLED"
    SHIPPED = "SHIPPED"


class BundleStatus(StrEnum):
    WAITING = "WAITING"
    ALLOCATED = "ALLOCATED"
    SHIPPED = "SHIPPED"
    CANCELLED = "CANCELLED"


class StockMove(Enum):
    """(releases the order's reservation, takes its units out of on-hand)."""

    NONE = (False, False)
    RELEASE = (True, False)  # reserved units become available again
    SHIP_RESERVED = (True, True)  # reserved units leave the building
    SHIP_UNRESERVED = (False, True)  # released earlier, shipped anyway: on-hand only

    @property
    def releases_reservation(self) -> bool:
        return bool(self.value[0])

    @property
    def leaves_on_hand(self) -> bool:
        return bool(self.value[1])


@dataclass
class BundleOrder:
    """One order of a bundle, as far as stock goes: reserved while its bundle is allocated."""

    order_uid: str
    bundle_id: uuid.UUID
    status: OrderStatus
    bundle_status: BundleStatus
    reserved: bool
    seller_id: str = ""
    held: dict[str, int] = field(default_factory=dict)  # its reservation per SKU

    def settle_move(self, move: StockMove, ledgers: Mapping[str, StockLedger]) -> dict[str, int]:
        """Carry a step's stock movement into the SKUs' ledgers (by SKU): what it held is
        released, or leaves on-hand with it. Returns the units moved per SKU."""
        if not move.releases_reservation:
            return {}
        moved, self.held = self.held, {}
        for sku, quantity in moved.items():
            if sku in ledgers:
                if move.leaves_on_hand:
                    ledgers[sku].ship(quantity)
                else:
                    ledgers[sku].release(quantity)
        return moved

    def hear_cancel(self) -> StockMove:
        """OrderCancelled: an order still waiting for stock leaves at once (it holds none). An
        allocated one keeps its reservation: its parcel may be on the scanner, and only the
        shipper's answer (CancellationDecided) says whether the stock comes back."""
        if self.status is OrderStatus.LIVE and self.bundle_status is BundleStatus.WAITING:
            self.status = OrderStatus.CANCELLED
        return StockMove.NONE

    def cancel_took_effect(self) -> StockMove:
        """CancellationDecided CANCELLED: the order will never ship; its reservation is freed."""
        if self.status is not OrderStatus.LIVE:
            return StockMove.NONE
        self.status = OrderStatus.CANCELLED
        return self._drop_reservation(StockMove.RELEASE)

    def ship(self) -> StockMove:
        """Shipped: the order is done here; what it still reserves is reserved no more (units
        cancelled before the scan included). A replay moves nothing. What leaves on-hand is the
        parcel's contents (`parcel_leaves`), not the reservation. A cancellation after this
        (TOO_LATE) puts nothing back: a return is a person's call."""
        if self.status is OrderStatus.SHIPPED:
            return StockMove.NONE
        self.status = OrderStatus.SHIPPED
        if self.reserved:
            return self._drop_reservation(StockMove.SHIP_RESERVED)
        return StockMove.SHIP_UNRESERVED

    def _drop_reservation(self, move: StockMove) -> StockMove:
        if not self.reserved:
            return StockMove.NONE
        self.reserved = False
        return move


def parcel_leaves(orders: Iterable[BundleOrder]) -> tuple[list[str], bool]:
    """Shipped, for one parcel: the orders whose reservation is dropped, and whether the
    parcel's contents (exactly what was scanned out: Shipped.stock_out) leave on-hand now —
    once, when its orders ship here for the first time."""
    moves = {o.order_uid: o.ship() for o in orders}
    released = [uid for uid, move in moves.items() if move.releases_reservation]
    return released, any(move is not StockMove.NONE for move in moves.values())


def settled(statuses: Iterable[OrderStatus]) -> BundleStatus | None:
    """A bundle with no live order left is over: SHIPPED if any of it shipped, else CANCELLED."""
    seen = set(statuses)
    if not seen or OrderStatus.LIVE in seen:
        return None
    return BundleStatus.SHIPPED if OrderStatus.SHIPPED in seen else BundleStatus.CANCELLED


def demand_after(
    lines: Iterable[tuple[str, int, Mapping[str, int]]], cancelled: Mapping[str, int]
) -> dict[str, int]:
    """부분취소: what an order still needs per SKU once `cancelled` units of its lines are gone.
    Each line is (line_id, units ordered, SKU quantities for all those units); a line's SKUs
    shrink in proportion (a set of 2 A per unit, 3 units, 1 cancelled: 4 A left)."""
    need: dict[str, int] = {}
    for line_id, units, skus in lines:
        left = max(0, units - cancelled.get(line_id, 0))
        for sku, quantity in skus.items():
            need[sku] = need.get(sku, 0) + quantity * left // units
    return {sku: q for sku, q in need.items() if q > 0}


def shrinkage(before: Mapping[str, int], after: Mapping[str, int]) -> dict[str, int]:
    """The units per SKU an order no longer needs (never negative: a claim only takes away)."""
    return {s: q - after.get(s, 0) for s, q in before.items() if q > after.get(s, 0)}
