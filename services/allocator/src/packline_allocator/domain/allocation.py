"""할당 (allocation): give on-hand stock to whole bundles in the seller's rule order (default:
earliest paid first), never oversell, and say why each bundle looked at waits."""

import uuid
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from packline_allocator.domain.bundle import Bundle
from packline_allocator.domain.decisions import Decision
from packline_allocator.domain.ledger import StockLedger
from packline_allocator.domain.order_stock import BundleStatus
from packline_allocator.domain.rules import RuleSet, default_rules
from packline_allocator.domain.waiting import SkuNeed
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


@dataclass
class Wave:
    """What one wave did: the rule version it applied, the bundles it allocated, and a
    decision for every waiting bundle it looked at (in rule order)."""

    rules: RuleSet
    allocated: list[Allocated] = field(default_factory=list)
    decisions: list[Decision] = field(default_factory=list)

    @property
    def waiting(self) -> int:
        """Bundles it looked at that still wait."""
        return len(self.decisions) - len(self.allocated)


def wave(
    waiting: Sequence[Bundle],
    ledgers: Mapping[str, StockLedger],
    now: datetime,
    rules: RuleSet | None = None,
) -> Wave:
    """One allocation wave over waiting bundles in the rule set's order (default: paid_at,
    bundle id): each that fits whole takes its units from the SKUs' ledgers; one that does not
    fit waits without blocking later, smaller bundles. A SKU without a ledger has no stock.
    Every bundle looked at gets a decision with the stock it met at its turn."""
    done = Wave(rules or default_rules(""))
    ordered = done.rules.order([b for b in waiting if b.status is BundleStatus.WAITING], now)
    for position, bundle in enumerate(ordered, 1):
        demand = bundle.demand
        met = tuple(_met(sku, q, ledgers.get(sku)) for sku, q in sorted(demand.items()))
        fits = _take(demand, ledgers)
        if fits:
            done.allocated.append(Allocated(bundle, bundle.allocate(now)))
        done.decisions.append(Decision(bundle.bundle_id, fits, position, len(ordered), met))
    return done


def _met(sku: str, needed: int, ledger: StockLedger | None) -> SkuNeed:
    if ledger is None:
        return SkuNeed(sku, needed, None)
    return SkuNeed(sku, needed, ledger.on_hand, ledger.reserved)


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
