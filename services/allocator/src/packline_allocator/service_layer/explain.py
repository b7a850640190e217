"""Dry run and "why" (issue 13): a wave preview that changes nothing, and the recorded
decisions that touched a bundle. The preview runs the domain's wave on copies of the bundles
and ledgers it read: nothing is saved, recorded or emitted."""

import copy
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from packline_allocator.domain.allocation import wave
from packline_allocator.domain.decisions import Decision, RecordedDecision
from packline_allocator.domain.rules import RuleSet
from packline_allocator.service_layer.ports import AllocationWork


@dataclass(frozen=True)
class Preview:
    rules: RuleSet
    at: datetime
    decisions: list[Decision]  # every waiting bundle of the seller, in rule order

    @property
    def allocated(self) -> int:
        return sum(d.allocated for d in self.decisions)


async def preview(work: AllocationWork, seller_id: str) -> Preview:
    """What a 할당처리 now would do to every waiting bundle of the seller, and why."""
    waiting = await work.bundles.waiting(seller_id, None)
    rules = await work.rules.current(seller_id)
    partial = await work.partial.of(seller_id)
    ledgers = await work.stock.ledgers(seller_id, {sku for b in waiting for sku in b.demand})
    now = datetime.now(UTC)
    # copies: the repositories' objects (an identity map) stay as they were read
    copied = {s: copy.copy(v) for s, v in ledgers.items()}
    done = wave(copy.deepcopy(waiting), copied, now, rules, partial)
    return Preview(rules, now, done.decisions)


async def why(
    work: AllocationWork, seller_id: str, bundle_id: uuid.UUID, limit: int
) -> list[RecordedDecision] | None:
    """The recorded decisions on the bundle, newest first; None: the seller has no such bundle."""
    return await work.waves.decisions_of(seller_id, bundle_id, limit)
