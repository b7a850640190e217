"""할당 rules as a seller configures them: a versioned, ordered list of criteria deciding who gets
scarce stock first. A wave offers stock to waiting bundles in the order of `RuleSet.sort_key`;
ties are always broken by paid time, then bundle id, so every order is total and repeatable.
No version saved: the default rule set (version 0), earliest paid first, as always."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from packline_allocator.domain.bundle import Bundle

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


class CriterionKind(StrEnum):
    MARKETPLACE_PRIORITY = "MARKETPLACE_PRIORITY"  # a ranked list of marketplaces; unlisted last
    PAID_AT = "PAID_AT"  # earliest paid first
    BUNDLE_SIZE = "BUNDLE_SIZE"  # live orders in the box
    QUANTITY = "QUANTITY"  # units the box needs
    AMOUNT = "AMOUNT"  # KRW its live orders paid
    LONGEST_WAITING = "LONGEST_WAITING"  # the box with a line waiting here longest first


DIRECTED = frozenset({CriterionKind.BUNDLE_SIZE, CriterionKind.QUANTITY, CriterionKind.AMOUNT})
_LABELS = {
    CriterionKind.MARKETPLACE_PRIORITY: "marketplace priority",
    CriterionKind.PAID_AT: "paid time",
    CriterionKind.BUNDLE_SIZE: "bundle size",
    CriterionKind.QUANTITY: "quantity",
    CriterionKind.AMOUNT: "amount",
    CriterionKind.LONGEST_WAITING: "longest waiting",
}


class RuleError(ValueError):
    """A rule set that cannot be saved; `index` is the criterion at fault (0-based)."""

    def __init__(self, index: int, message: str) -> None:
        super().__init__(f"criteria[{index}]: {message}")
        self.index = index


@dataclass(frozen=True)
class Condition:
    """Limits a criterion to bundles with a live order of one of `marketplaces` and/or needing
    one of `skus` (empty: no limit on that side). A bundle outside is neutral for it: it ties
    with every other bundle outside and ranks after those inside (as an unlisted marketplace)."""

    marketplaces: frozenset[str] = frozenset()
    skus: frozenset[str] = frozenset()

    def holds(self, bundle: Bundle) -> bool:
        if self.marketplaces and not self.marketplaces & bundle.marketplaces:
            return False
        return not self.skus or bool(self.skus & set(bundle.demand))

    @property
    def text(self) -> str:
        parts = [" or ".join(sorted(s)) for s in (self.marketplaces, self.skus) if s]
        return " and ".join(parts)


@dataclass(frozen=True)
class Criterion:
    kind: CriterionKind
    descending: bool = False  # BUNDLE_SIZE, QUANTITY, AMOUNT only: largest first
    ranking: tuple[str, ...] = ()  # MARKETPLACE_PRIORITY only: first gets stock first
    condition: Condition | None = None

    def key(self, bundle: Bundle, now: datetime) -> tuple[int, int]:
        """(0, value) for a bundle this criterion applies to, smaller first; (1, 0) outside."""
        if self.condition is not None and not self.condition.holds(bundle):
            return (1, 0)
        return (0, self._value(bundle, now))

    def _value(self, bundle: Bundle, now: datetime) -> int:
        sign = -1 if self.descending else 1
        match self.kind:
            case CriterionKind.MARKETPLACE_PRIORITY:
                ranks = [self.ranking.index(m) for m in bundle.marketplaces if m in self.ranking]
                return min(ranks, default=len(self.ranking))
            case CriterionKind.PAID_AT:
                return micros(bundle.paid_at)
            case CriterionKind.BUNDLE_SIZE:
                return sign * len(bundle.live_orders)
            case CriterionKind.QUANTITY:
                return sign * sum(bundle.demand.values())
            case CriterionKind.AMOUNT:
                return sign * bundle.amount_krw
            case CriterionKind.LONGEST_WAITING:  # waited longest: the largest wait first
                return -((now - bundle.waiting_since) // _MICROSECOND)

    @property
    def text(self) -> str:
        label = _LABELS[self.kind]
        if self.kind is CriterionKind.MARKETPLACE_PRIORITY:
            label += " (" + " > ".join(self.ranking) + ")"
        elif self.kind in DIRECTED:
            label += " (largest first)" if self.descending else " (smallest first)"
        if self.condition is not None and self.condition.text:
            label += " for " + self.condition.text
        return label


@dataclass(frozen=True)
class RuleSet:
    """One version of a seller's rules: who saved it, when, and what changed (a note)."""

    seller_id: str
    version: int
    criteria: tuple[Criterion, ...]
    created_by: str | None = None
    created_at: datetime | None = None
    note: str = ""  # the person's words
    changes: tuple[str, ...] = ()  # what it changed against the version before (`changes`)

    def sort_key(self, bundle: Bundle, now: datetime) -> tuple[int, ...]:
        """Pure: the bundle's place in a wave. Criteria in order, then paid time, bundle id."""
        key: list[int] = []
        for criterion in self.criteria:
            key.extend(criterion.key(bundle, now))
        return (*key, micros(bundle.paid_at), bundle.bundle_id.int)

    def order(self, bundles: Sequence[Bundle], now: datetime) -> list[Bundle]:
        return sorted(bundles, key=lambda b: self.sort_key(b, now))

    @property
    def text(self) -> str:
        """ "by paid time", "by marketplace priority (NAVER > COUPANG), then paid time"."""
        return "by " + ", then ".join(c.text for c in self.criteria or DEFAULT_CRITERIA)


DEFAULT_CRITERIA = (Criterion(CriterionKind.PAID_AT),)


def default_rules(seller_id: str) -> RuleSet:
    """No version saved: earliest paid first (ties by bundle id), the allocator's order always."""
    return RuleSet(seller_id, 0, DEFAULT_CRITERIA, note="default: earliest paid first")


def micros(at: datetime) -> int:
    return (at - _EPOCH) // _MICROSECOND


def checked(criteria: Sequence[Criterion], marketplaces: frozenset[str]) -> tuple[Criterion, ...]:
    """The criteria of a new version, or RuleError naming the first bad one: a kind twice, a
    marketplace not in `marketplaces` or ranked twice, a direction or ranking it cannot take."""
    if not criteria:
        raise RuleError(0, "a rule set needs at least one criterion")
    seen: set[CriterionKind] = set()
    for i, c in enumerate(criteria):
        if c.kind in seen:
            raise RuleError(i, f"{c.kind} appears twice")
        seen.add(c.kind)
        if c.descending and c.kind not in DIRECTED:
            raise RuleError(
                i, f"{c.kind} has one direction; `descending` is for {_names(DIRECTED)}"
            )
        if (c.kind is CriterionKind.MARKETPLACE_PRIORITY) != bool(c.ranking):
            raise RuleError(i, "a ranking belongs to (and is needed by) MARKETPLACE_PRIORITY only")
        if len(set(c.ranking)) != len(c.ranking):
            raise RuleError(i, "a marketplace is ranked twice")
        named = set(c.ranking) | set(c.condition.marketplaces if c.condition else ())
        if unknown := sorted(named - marketplaces):
            raise RuleError(i, f"unknown marketplace {', '.join(unknown)}")
    return tuple(criteria)


def changes(before: RuleSet, after: Sequence[Criterion]) -> tuple[str, ...]:
    """What a new version changes against the current one, in words (the audit's "what")."""
    old = {c.kind: c for c in before.criteria}
    new = {c.kind: c for c in after}
    said = [f"removed {c.text}" for c in before.criteria if c.kind not in new]
    said += [f"added {c.text}" for c in after if c.kind not in old]
    said += [f"{old[c.kind].text} → {c.text}" for c in after if c.kind in old and old[c.kind] != c]
    kept_now = [c.kind for c in after if c.kind in old]
    if kept_now != [c.kind for c in before.criteria if c.kind in new]:
        said.append("reordered: " + ", then ".join(_LABELS[k] for k in kept_now))
    return tuple(said) or ("no change",)


def _names(kinds: frozenset[CriterionKind]) -> str:
    return ", ".join(sorted(kinds))
