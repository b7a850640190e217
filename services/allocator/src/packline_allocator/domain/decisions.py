"""What a wave decided for each waiting bundle it looked at, and why, in numbers and in words:
"BONE-SOUP short by 3; position 12 of 40 by paid time under rule v4". The numbers are the
stock at the bundle's turn (bundles ranked before it had taken theirs)."""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from packline_allocator.domain.rules import RuleSet
from packline_allocator.domain.waiting import SkuNeed


class Trigger(StrEnum):
    MANUAL = "MANUAL"  # 할당처리: a person pressed the button
    CONTINUOUS = "CONTINUOUS"  # stock or bundles arrived
    SCHEDULED = "SCHEDULED"  # the seller's schedule


@dataclass(frozen=True)
class Decision:
    bundle_id: uuid.UUID
    allocated: bool
    position: int  # 1-based, in the rule set's order among the bundles the wave looked at
    of: int  # how many bundles the wave looked at
    needs: tuple[SkuNeed, ...]  # per SKU: needed, and on hand / reserved at its turn
    part: tuple[str, ...] = ()  # a partial shipment: the order uids allocated
    backorder_id: uuid.UUID | None = None  # ... and the new bundle the others wait in

    @property
    def short(self) -> list[SkuNeed]:
        return [n for n in self.needs if n.short]


@dataclass(frozen=True)
class RecordedDecision:
    """A decision as a recorded wave holds it: which wave, when, why it ran, under which rules."""

    wave_id: uuid.UUID
    started_at: datetime
    trigger: Trigger
    rules: RuleSet
    decision: Decision

    @property
    def sentence(self) -> str:
        return sentence(self.decision, self.rules.version, self.rules.text)


def sentence(decision: Decision, version: int, order: str) -> str:
    """The decision in words; `order` is the rule set's ("by paid time")."""
    where = f"position {decision.position} of {decision.of} {order} under rule v{version}"
    if decision.allocated and decision.backorder_id is not None:
        return (
            f"allocated {len(decision.part)} order(s) (partial shipment);"
            f" the rest wait in backorder {decision.backorder_id}; {where}"
        )
    if decision.allocated:
        return f"allocated; {where}"
    if not decision.needs:
        return f"needs no stock; {where}"
    short = [
        f"{n.sku} short by {n.short}" + ("" if n.known else " (never stocked)")
        for n in decision.short
    ]
    return "; ".join([", ".join(short) or "waits", where])


RECORDED_WAITING = 100  # per continuous wave, the first bundles in rule order that still wait


def to_record(decisions: Sequence[Decision], trigger: Trigger) -> list[Decision]:
    """What a wave writes down: everything of a wave a person asked for (할당처리); of a
    continuous one, each bundle it allocated and the first RECORDED_WAITING that still wait,
    so a long queue short of one SKU is not written again at every batch (GET /bundles says
    why each waits now; GET /bundles/{id}/why keeps the decisions written)."""
    if trigger is Trigger.MANUAL:
        return list(decisions)
    waiting = [d for d in decisions if not d.allocated][:RECORDED_WAITING]
    kept = {id(d) for d in waiting}
    return [d for d in decisions if d.allocated or id(d) in kept]
