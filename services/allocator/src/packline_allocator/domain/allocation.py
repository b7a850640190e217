"""할당 (allocation): give on-hand stock to whole bundles, earliest paid first, never oversell."""

import uuid
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

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
    left = dict(available)
    allocated: list[WaitingBundle] = []
    for bundle in waiting:
        if bundle.demand and all(left.get(sku, 0) >= q for sku, q in bundle.demand.items()):
            for sku, q in bundle.demand.items():
                left[sku] -= q
            allocated.append(bundle)
    return allocated


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
