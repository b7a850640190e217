"""A seller's 할당 rule sets: reading the current one and its history, and saving a change as a
new version (rules: domain/rules.py). A change takes the seller's allocation lock, so versions
are numbered one at a time and a wave applies one whole version."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from packline_allocator.domain.rules import Criterion, RuleSet, changes, checked
from packline_allocator.service_layer.ports import AllocationWork
from packline_contracts import Marketplace

MARKETPLACES = frozenset(m.value for m in Marketplace)


@dataclass(frozen=True)
class Rules:
    current: RuleSet
    history: list[RuleSet]  # saved versions, newest first


async def rules_of(work: AllocationWork, seller_id: str, limit: int) -> Rules:
    history = await work.rules.history(seller_id, limit)
    current = history[0] if history else await work.rules.current(seller_id)
    return Rules(current, history)


async def save(
    work: AllocationWork,
    seller_id: str,
    criteria: Sequence[Criterion],
    who: str,
    note: str = "",
) -> RuleSet:
    """A new version of the seller's rules (RuleError names a criterion it cannot take)."""
    valid = checked(criteria, MARKETPLACES)
    await work.stock.lock_sellers([seller_id])
    current = await work.rules.current(seller_id)
    rules = RuleSet(
        seller_id,
        current.version + 1,
        valid,
        who,
        datetime.now(UTC),
        note,
        changes(current, valid),
    )
    await work.rules.add(rules)
    return rules
