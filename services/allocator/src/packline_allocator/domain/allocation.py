"""할당 (allocation): give on-hand stock to whole bundles in the seller's rule order (default:
earliest paid first), never oversell, and say why each bundle looked at waits."""

import uuid
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from packline_allocator.domain.bundle import Bundle
from packline_allocator.domain.decisions import Decision
from packline_allocator.domain.ledger import StockLedger
from packline_allocator.domain.order_stock import BundleStatus
from packline_allocator.domain.partial import PartialShipment
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
    """A bundle the wave gave stock to, and the units reserved per order uid; `backorder`:
    the new bundle its orders that did not fit wait in (a partial shipment)."""

    bundle: Bundle
    reservations: dict[str, dict[str, int]]
    backorder: Bundle | None = None


@dataclass
class Wave:
    """What one wave did: the rule version it applied, the bundles it allocated, and a
    decision for every waiting bundle it looked at (in rule order)."""

    rules: RuleSet
    allocated: list[Allocated] = field(default_factory=list)
    decisions: list[Decision] = field(default_factory=list)

    @property
    def backorders(self) -> list[Bundle]:
        """New waiting bundles split off the bundles it allocated in part."""
        return [a.backorder for a in self.allocated if a.backorder is not None]

    @property
    def waiting(self) -> int:
        """Bundles it looked at that still wait."""
        return len(self.decisions) - len(self.allocated)


def wave(
    waiting: Sequence[Bundle],
    ledgers: Mapping[str, StockLedger],
    now: datetime,
    rules: RuleSet | None = None,
    partial: PartialShipment | None = None,
    new_id: Callable[[], uuid.UUID] = uuid.uuid4,
) -> Wave:
    """One allocation wave over waiting bundles in the rule set's order (default: paid_at,
    bundle id): each that fits whole takes its units from the SKUs' ledgers; one that does not
    fit waits without blocking later, smaller bundles. A SKU without a ledger has no stock.
    Every bundle looked at gets a decision with the stock it met at its turn.

    Where the seller allows partial shipment for all its orders' marketplaces, a bundle that
    does not fit whole ships the orders that fit (greedy, paid time then order uid) when at
    least one does: the rest move to a new waiting bundle (the backorder, decided too)."""
    done = Wave(rules or default_rules(""))
    ordered = done.rules.order([b for b in waiting if b.status is BundleStatus.WAITING], now)
    for position, bundle in enumerate(ordered, 1):
        demand = bundle.demand
        met = tuple(_met(sku, q, ledgers.get(sku)) for sku, q in sorted(demand.items()))
        if _take(demand, ledgers):
            done.allocated.append(Allocated(bundle, bundle.allocate(now)))
            done.decisions.append(Decision(bundle.bundle_id, True, position, len(ordered), met))
            continue
        fitting = (
            _fitting(bundle, ledgers) if partial and partial.allows(bundle.marketplaces) else []
        )
        if not fitting:
            done.decisions.append(Decision(bundle.bundle_id, False, position, len(ordered), met))
            continue
        backorder = bundle.split(set(fitting), new_id())
        done.allocated.append(Allocated(bundle, bundle.allocate(now), backorder))
        part = tuple(fitting)
        done.decisions.append(
            Decision(bundle.bundle_id, True, position, len(ordered), met, part, backorder.bundle_id)
        )
        rest = tuple(_met(s, q, ledgers.get(s)) for s, q in sorted(backorder.demand.items()))
        done.decisions.append(Decision(backorder.bundle_id, False, position, len(ordered), rest))
    return done


def _fitting(bundle: Bundle, ledgers: Mapping[str, StockLedger]) -> list[str]:
    """The orders of a bundle short as a whole that fit one by one (their units reserved as
    they are taken), in paid order; none when no order with needs fits. Orders needing
    nothing go with those that ship."""
    taken = [o.order_uid for o in bundle.in_paid_order() if o.needs and _take(o.needs, ledgers)]
    if not taken:
        return []
    free = {o.order_uid for o in bundle.live_orders if not any(q > 0 for q in o.needs.values())}
    return [
        o.order_uid for o in bundle.in_paid_order() if o.order_uid in free or o.order_uid in taken
    ]


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
    formed: BundleFormed,
    live: set[str],
    demand: Mapping[str, int],
    split_from: uuid.UUID | None = None,
    backorder_id: uuid.UUID | None = None,
) -> StockAllocated:
    """The event of an allocated bundle (`formed`: as stored; a backorder's is stored under
    its own id) with its live orders; a split names where the rest waits or where it came
    from."""
    members = tuple(m for m in formed.members if m.order.uid in live)
    return StockAllocated(
        **formed.follow_up(),
        bundle_id=formed.bundle_id,
        recipient=formed.recipient,
        members=members,
        allocated=tuple(SkuLine(sku=s, quantity=q) for s, q in sorted(demand.items())),
        separate_invoices=formed.separate_invoices,  # the waybill gives each order its own number
        split_from=split_from,
        backorder_id=backorder_id,
    )


def backorder_formed(original: BundleFormed, backorder: Bundle) -> BundleFormed:
    """What the allocator stores for a backorder: the original bundle's event under the new
    id, with the orders that wait in it (the bundler never saw this id)."""
    uids = {o.order_uid for o in backorder.orders}
    return original.model_copy(
        update={
            "bundle_id": backorder.bundle_id,
            "paid_at": backorder.paid_at,
            "members": tuple(m for m in original.members if m.order.uid in uids),
        }
    )
