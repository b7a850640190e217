"""In-memory reviews (확인필요), merge groups, pair decisions, settings and the decision log for
the bundler's use cases (service_layer/ports.py); bundles and orders: fakes.py."""

import uuid
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from packline_bundler.domain.arrival import Arrival
from packline_bundler.domain.arrivals import Exclusions, Groups
from packline_bundler.domain.bundle import BundleStatus
from packline_bundler.domain.review import (
    Candidate,
    PairDecision,
    Review,
    ReviewStatus,
    ReviewToOpen,
)
from packline_bundler.domain.sealing import SealSettings

if TYPE_CHECKING:
    from .fakes import FakeBundles


@dataclass
class StoredReview:
    review_id: int
    seller_id: str
    pair: tuple[str, str]
    bundles: tuple[uuid.UUID, uuid.UUID]
    orders: tuple[str, str]
    fields: list[dict[str, Any]]
    status: ReviewStatus = ReviewStatus.PENDING
    decided_at: datetime | None = None

    def aggregate(self) -> Review:
        return Review(
            self.review_id,
            self.seller_id,
            self.pair,
            self.bundles,
            self.orders,
            self.status,
            self.decided_at,
        )


class FakeReviews:
    def __init__(self, bundles: "FakeBundles") -> None:
        self.bundles = bundles
        self.stored = bundles.reviews
        self.merged: Groups = {}
        self.decisions: set[tuple[str, str, str]] = set()
        self.remembered: dict[tuple[str, str, str], PairDecision] = {}
        self.candidate_loads = 0

    async def groups(self, keys: Collection[tuple[str, str]]) -> Groups:
        return {k: g for k, g in self.merged.items() if k in keys}

    async def candidates(self, batch: Sequence[Arrival]) -> list[Candidate]:
        self.candidate_loads += 1
        found = []
        for m in self.bundles.members.values():
            b = self.bundles.stored[m.bundle_id]
            if b.status is not BundleStatus.OPEN or b.group_key.startswith("solo:"):
                continue
            if m.withdrawn or m.cancelled:
                continue
            a = m.arrival
            found.append(Candidate(b.bundle_id, b.group_key, a.key, a.order, a.hashes))
        return found

    async def decided(self, pairs: Collection[tuple[str, str, str]]) -> set[tuple[str, str, str]]:
        return self.decisions & set(pairs)

    async def open(self, reviews: Sequence[ReviewToOpen]) -> None:
        for r in reviews:
            if any((p.seller_id, p.pair) == (r.seller_id, r.pair) for p in self.bundles.pending):
                continue
            review_id = len(self.stored) + 1
            self.stored[review_id] = StoredReview(
                review_id, r.seller_id, r.pair, r.bundles, r.orders, r.fields
            )

    async def pending_for_orders(self, uids: Sequence[str]) -> list[Review]:
        return [
            r.aggregate()
            for r in sorted(self.bundles.pending, key=lambda r: r.review_id)
            if set(r.orders) & set(uids)
        ]

    async def is_sellers(self, seller_id: str, review_id: int) -> bool:
        found = self.stored.get(review_id)
        return found is not None and found.seller_id == seller_id

    async def lock(self, review_id: int) -> Review | None:
        found = self.stored.get(review_id)
        return found.aggregate() if found else None

    async def save(self, reviews: Sequence[Review]) -> None:
        for r in reviews:
            self.stored[r.review_id].status = r.status
            self.stored[r.review_id].decided_at = r.decided_at

    async def remember(
        self,
        seller_id: str,
        pair: tuple[str, str],
        decision: PairDecision,
        by: str,
        reason: str,
    ) -> None:
        self.decisions.add((seller_id, *pair))
        self.remembered[(seller_id, *pair)] = decision

    async def join_groups(self, seller_id: str, a: str, b: str) -> str:
        groups = {k: self.merged.get((seller_id, k), k) for k in (a, b)}
        target: str = min(groups.values())
        for key, group in list(self.merged.items()):
            if key[0] == seller_id and group in groups.values():
                self.merged[key] = target
        self.merged[(seller_id, a)] = self.merged[(seller_id, b)] = target
        return target

    async def repoint(self, old: uuid.UUID, new: uuid.UUID) -> None:
        for r in self.stored.values():
            a, b = (new if x == old else x for x in r.bundles)
            r.bundles = (a, b)


@dataclass
class FakeSettings:
    rules: dict[str, SealSettings] = field(default_factory=dict)
    excluded: dict[str, dict[str, set[str]]] = field(default_factory=dict)

    async def timing(self, sellers: Collection[str]) -> dict[str, SealSettings]:
        return {s: r for s, r in self.rules.items() if s in sellers}

    async def exclusions(self, sellers: Collection[str]) -> Exclusions:
        return {s: e for s, e in self.excluded.items() if s in sellers}

    async def save(self, seller_id: str, rule: SealSettings, by: str) -> None:
        self.rules[seller_id] = rule

    async def exclude(self, seller_id: str, kind: str, value: str, by: str, why: str) -> None:
        self.excluded.setdefault(seller_id, {"SKU": set(), "MARKETPLACE": set()})[kind].add(value)

    async def include(self, seller_id: str, kind: str, value: str) -> bool:
        values = self.excluded.get(seller_id, {}).get(kind, set())
        found = value in values
        values.discard(value)
        return found


@dataclass
class FakeDecisions:
    recorded: list[tuple[str, str, dict[str, Any], str, str]] = field(default_factory=list)

    async def record(
        self, seller_id: str, action: str, subject: dict[str, Any], by: str, reason: str
    ) -> None:
        self.recorded.append((seller_id, action, subject, by, reason))

    def actions(self) -> list[str]:
        return [action for _, action, _, _, _ in self.recorded]
