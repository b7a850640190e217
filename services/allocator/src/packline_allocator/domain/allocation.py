"""할당 (allocation): give on-hand stock to whole bundles, earliest paid first, never oversell."""

import uuid
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from packline_allocator.domain.bundle import Bundle
from packline_allocator.domain.ledger import StockLedger
from packline_allocator.domain.order_stock import BundleStatus
from packline_contracts import BundleFormed, BundleMember, SkuLine, StockAllocated


def order_demand(member: BundleMember) -> Counter[str]:
    need: Counter[str] = Counter()
    for line in member.matched_lines:
        for sku in line.skus:
            need[sku.sku] += sku.quantity
    return need


@dataclass(frozen=True)
class WaitingBundle:
    bundle_id: uuid.UUID
    demand: Mapping[str, int]  # what its live orders need, per SKU


def run_wave(waiting: Sequence[WaitingBundle], available: Mapping[str, int]) -> list[WaitingBundle]:
    """Bundles that can ship whole, in the given order (paid_at); stock runs down as we go.

    A bundle that does not fit waits without blocking later, smaller bundles.
    """
    ledgers = {sku: StockLedger("", sku, on_hand=q) for sku, q in available.items() if q > 0}
    return [bundle for bundle in waiting if _take(bundle.demand, ledgers)]


@dataclass(frozen=True)
class Allocated:
    """A bundle the wave gave stock to, and the units reserved per order uid."""

    bundle: Bundle
    reservations: dict[str, dict[str, int]]


def wave(
    waiting: Sequence[Bundle], ledgers: Mapping[str, StockLedger], now: datetime
) -> list[Allocated]:
    """One allocation wave over waiting bundles in allocation order (paid_at, bundle id): each
    that fits whole takes its units from the SKUs' ledgers, earliest paid first; one that does
    not fit waits without blocking later, smaller bundles. A SKU without a ledger has no stock."""
    allocated = []
    for bundle in waiting:
        if bundle.status is BundleStatus.WAITING and _take(bundle.demand, ledgers):
            allocated.append(Allocated(bundle, bundle.allocate(now)))
    return allocated


def _take(demand: Mapping[str, int], ledgers: Mapping[str, StockLedger]) -> bool:
    """Reserve the whole demand when every SKU of it fits, else nothing."""
    if not demand or not all(sku in ledgers and ledgers[sku].fits(q) for sku, q in demand.items()):
        return False
    for sku, q in demand.items():
        ledgers[sku].reserve(q)
    return True


def stock_allocated(
    formed: BundleFormed, live: set[str], demand: Mapping[str, int]
) -> StockAllocated:
    members = tuple(m for m in formed.members if m.order.uid in live)
    return StockAllocated(
        **formed.follow_up(),
        bundle_id=formed.bundle_id,
        recipient=formed.recipient,
        members=members,
        allocated=tuple(SkuLine(sku=s, quantity=q) for s, q in sorted(demand.items())),
        separate_invoices=formed.separate_invoices,  # the waybill gives each order its own number
    )
