"""In-memory wave settings and records for the allocator's use cases: the seller's rule sets,
the waves recorded with their decisions, how waves run and whether a short bundle may split
(ports.py RuleRepository, WaveRepository, WaveModeRepository, PartialRepository)."""

import uuid
from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING

from packline_allocator.domain.decisions import Decision, RecordedDecision, Trigger
from packline_allocator.domain.partial import PartialShipment, not_allowed
from packline_allocator.domain.rules import RuleSet, default_rules
from packline_allocator.domain.wave_modes import WaveSchedule

if TYPE_CHECKING:
    from .fakes import FakeBundles


class FakePartial:
    def __init__(self) -> None:
        self.saved: dict[str, PartialShipment] = {}

    async def of(self, seller_id: str) -> PartialShipment:
        return self.saved.get(seller_id) or not_allowed(seller_id)

    async def save(self, setting: PartialShipment, by: str) -> None:
        self.saved[setting.seller_id] = setting


class FakeRules:
    def __init__(self) -> None:
        self.saved: list[RuleSet] = []

    async def current(self, seller_id: str) -> RuleSet:
        mine = [r for r in self.saved if r.seller_id == seller_id]
        return max(mine, key=lambda r: r.version) if mine else default_rules(seller_id)

    async def history(self, seller_id: str, limit: int) -> list[RuleSet]:
        mine = [r for r in self.saved if r.seller_id == seller_id]
        return sorted(mine, key=lambda r: -r.version)[:limit]

    async def add(self, rules: RuleSet) -> None:
        assert all((r.seller_id, r.version) != (rules.seller_id, rules.version) for r in self.saved)
        self.saved.append(rules)


@dataclass(frozen=True)
class WaveRow:
    wave_id: uuid.UUID
    seller_id: str
    trigger: Trigger
    started_at: datetime
    rule_version: int
    decisions: tuple[Decision, ...]
    waiting: int


class FakeWaves:
    def __init__(self, rules: FakeRules, bundles: "FakeBundles") -> None:
        self._rules, self._bundles = rules, bundles
        self.recorded: list[WaveRow] = []

    async def record(
        self,
        seller_id: str,
        trigger: Trigger,
        started_at: datetime,
        rule_version: int,
        decisions: Sequence[Decision],
        waiting: int | None = None,
    ) -> uuid.UUID:
        still = sum(not d.allocated for d in decisions) if waiting is None else waiting
        row = WaveRow(
            uuid.uuid4(), seller_id, trigger, started_at, rule_version, tuple(decisions), still
        )
        self.recorded.append(row)
        return row.wave_id

    async def decisions_of(
        self, seller_id: str, bundle_id: uuid.UUID, limit: int
    ) -> list[RecordedDecision] | None:
        bundle = self._bundles.stored.get(bundle_id)
        if bundle is None or bundle.seller_id != seller_id:
            return None
        versions = {r.version: r for r in self._rules.saved if r.seller_id == seller_id}
        found = [
            RecordedDecision(
                w.wave_id,
                w.started_at,
                w.trigger,
                versions.get(w.rule_version, default_rules(seller_id)),
                d,
            )
            for w in reversed(self.recorded)
            if w.seller_id == seller_id
            for d in w.decisions
            if d.bundle_id == bundle_id
        ]
        return found[:limit]


class FakeWaveModes:
    def __init__(self) -> None:
        self.stored: dict[str, WaveSchedule] = {}

    async def of(self, sellers: Collection[str]) -> dict[str, WaveSchedule]:
        return {s: self.stored.get(s, WaveSchedule()) for s in sellers}

    async def save(self, seller_id: str, schedule: WaveSchedule, by: str) -> None:
        self.stored[seller_id] = schedule

    async def due(self, now: datetime, limit: int) -> list[str]:
        return sorted(s for s, schedule in self.stored.items() if schedule.due(now))[:limit]

    async def ran(self, seller_id: str, at: datetime) -> None:
        self.stored[seller_id] = replace(self.stored[seller_id], last_run_at=at)
