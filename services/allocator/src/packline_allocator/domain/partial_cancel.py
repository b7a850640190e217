"""부분취소 in stock, decided at the shipping line like a whole cancel (docs/adr/0003): units of
an order that holds no stock come off at once; an order holding a reservation keeps it until the
shipper answers, because its parcel may be on the scanner. Each claim is applied at most once."""

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from packline_allocator.domain.ledger import StockLedger
from packline_allocator.domain.order_stock import (
    BundleOrder,
    OrderStatus,
    demand_after,
    shrinkage,
)


class ClaimState(StrEnum):
    HELD = "HELD"  # heard while the order held stock: waits for the shipper's answer
    APPLIED = "APPLIED"  # its units are off the order's demand (and reservation)
    TOO_LATE = "TOO_LATE"  # the parcel had shipped with them: never applied


@dataclass
class PartialClaim:
    """One partial cancellation, known by the OrderCancelled's event id (its answer's cause)."""

    cancel_id: uuid.UUID
    order_uid: str
    units: dict[str, int] = field(default_factory=dict)  # per line
    state: ClaimState | None = None  # None: not heard nor answered yet
    changed: bool = False

    def hear(self, order: BundleOrder | None) -> bool:
        """OrderCancelled: True when its units come off now, because the order holds no stock
        (its bundle has not arrived, or waits for stock). A claim heard or answered already is
        left as it is (its answer may overtake it)."""
        if self.state is not None:
            return False
        holds_stock = order is not None and (order.reserved or order.status is OrderStatus.SHIPPED)
        return self._to(ClaimState.HELD if holds_stock else ClaimState.APPLIED)

    def answered(self, cancelled: bool) -> bool:
        """CancellationDecided: True when its units come off now: CANCELLED for a claim not
        applied yet. TOO_LATE never applies it (the units shipped; Shipped takes them out)."""
        if self.state in (ClaimState.APPLIED, ClaimState.TOO_LATE):
            return False
        return self._to(ClaimState.APPLIED if cancelled else ClaimState.TOO_LATE)

    def _to(self, state: ClaimState) -> bool:
        self.state, self.changed = state, True
        return state is ClaimState.APPLIED


@dataclass
class PartlyCancelled:
    """A live order with cancelled units: its lines as formed (line id, units ordered, SKU
    quantities for all those units), the units cancelled per line, what it needs and holds."""

    order_uid: str
    bundle_id: uuid.UUID
    seller_id: str
    lines: list[tuple[str, int, dict[str, int]]]
    cancelled: dict[str, int]
    needs: dict[str, int]
    reserved: dict[str, int]
    changed: bool = False

    def shrink(self, ledgers: Mapping[str, StockLedger]) -> dict[str, int]:
        """부분취소 applied: the order needs only the units not cancelled; what it held of the
        rest is released into the SKUs' ledgers. Returns the units freed per SKU."""
        needs = demand_after(self.lines, self.cancelled)
        if needs == self.needs:
            return {}
        freed = shrinkage(self.reserved, needs)
        for sku, quantity in freed.items():
            if sku in ledgers:
                ledgers[sku].release(quantity)
        left = {s: q - freed.get(s, 0) for s, q in self.reserved.items()}
        self.needs, self.reserved = needs, {s: q for s, q in left.items() if q > 0}
        self.changed = True
        return freed
