"""확인필요 (needs a person): pairs of recipients close enough that someone must decide whether
they are one door. The comparer lives in packline_recipients; this names the pair and shows it."""

import uuid
from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from packline_bundler.domain.arrival import Arrival, Hashes
from packline_bundler.domain.bundle import Refused
from packline_bundler.domain.bundles import recipient_of
from packline_contracts import OrderMatched
from packline_recipients import Outcome, Verdict, compare


def verdict(order: OrderMatched, other: OrderMatched) -> Verdict:
    return compare(recipient_of(order), recipient_of(other))


def needs_review(order: OrderMatched, other: OrderMatched) -> Verdict | None:
    found = verdict(order, other)
    return found if found.outcome is Outcome.REVIEW else None


def pair(key: str, other: str) -> tuple[str, str]:
    """A pair of exact recipients (bundle keys), in one order so a decision is found again."""
    return (key, other) if key < other else (other, key)


def fields(found: Verdict) -> list[dict[str, Any]]:
    """Which fields agree or differ and why: no names, addresses or numbers (they are shown
    from the orders themselves, over HTTP only)."""
    return [{"field": f.field, "agreement": f.agreement.value, "why": f.why} for f in found.fields]


@dataclass(frozen=True)
class Candidate:
    """A live member of an OPEN, bundleable bundle, as a review look-up finds it."""

    bundle_id: uuid.UUID
    group_key: str
    key: str  # its exact recipient
    order: OrderMatched
    hashes: Hashes

    @property
    def uid(self) -> str:
        return self.order.order.uid


@dataclass(frozen=True)
class ReviewToOpen:
    """Side a is the pair's first key."""

    seller_id: str
    pair: tuple[str, str]
    bundles: tuple[uuid.UUID, uuid.UUID]
    orders: tuple[str, str]
    fields: list[dict[str, Any]]


def shares_a_field(hashes: Hashes, other: Hashes) -> bool:
    """Any equal digest: name, address, or a phone or mobile against either of the other's."""
    name_h, address_h, phone_h, mobile_h = hashes
    phones = {h for h in (phone_h, mobile_h) if h}
    return other[0] == name_h or other[1] == address_h or other[2] in phones or other[3] in phones


Joined = tuple[Arrival, uuid.UUID, str]  # an order that joined: its bundle and group key


class _Near:
    """Candidates indexed by their digests: who shares a name, an address, or a phone or mobile
    with an arrival is found by three look-ups, not by a pass over every candidate (a batch of
    thousands against thousands of open members stays linear)."""

    def __init__(self) -> None:
        self.by_name: dict[str, list[Candidate]] = defaultdict(list)
        self.by_address: dict[str, list[Candidate]] = defaultdict(list)
        self.by_number: dict[str, list[Candidate]] = defaultdict(list)
        self.added: dict[int, int] = {}  # id(candidate) → when it was added (ties keep order)

    def add(self, c: Candidate) -> None:
        if c.group_key.startswith("solo:"):
            return  # never a review's other side
        self.added[id(c)] = len(self.added)
        name_h, address_h, phone_h, mobile_h = c.hashes
        self.by_name[name_h].append(c)
        self.by_address[address_h].append(c)
        for number in {h for h in (phone_h, mobile_h) if h}:
            self.by_number[number].append(c)

    def of(self, arrival: Arrival, group: str) -> list[Candidate]:
        name_h, address_h, phone_h, mobile_h = arrival.hashes
        found = [*self.by_name.get(name_h, ()), *self.by_address.get(address_h, ())]
        for number in {h for h in (phone_h, mobile_h) if h}:
            found += self.by_number.get(number, ())
        unique = {id(c): c for c in found}.values()
        near = [
            c for c in unique if c.order.seller_id == arrival.seller_id and c.group_key != group
        ]
        return sorted(near, key=lambda c: (c.bundle_id, c.uid, self.added[id(c)]))


def close_pairs(
    joined: Sequence[Joined], stored: Sequence[Candidate]
) -> list[tuple[Joined, Candidate]]:
    """Each joined (non-solo) order, in the order they joined, against the open members it
    shares a field with (`shares_a_field`) in other groups: those stored before the batch and
    those of the batch that joined before it (ordered by bundle id and order uid, as one look-up
    would find them)."""
    found: list[tuple[Joined, Candidate]] = []
    index = _Near()
    for c in stored:
        index.add(c)
    for item in joined:
        arrival, bundle_id, group = item
        if arrival.solo:
            continue
        found += [(item, c) for c in index.of(arrival, group)]
        index.add(Candidate(bundle_id, group, arrival.key, arrival.order, arrival.hashes))
    return found


def to_open(
    close: Sequence[tuple[Joined, Candidate]], decided: Collection[tuple[str, str, str]]
) -> list[ReviewToOpen]:
    """확인필요 for close pairs of recipients no person decided about yet (seller, key a, key
    b), one per pair: the first found."""
    found: dict[tuple[str, tuple[str, str]], ReviewToOpen] = {}
    for (arrival, bundle_id, _), other in close:
        pair_ = pair(arrival.key, other.key)
        seller = arrival.seller_id
        if pair_[0] == pair_[1] or (seller, *pair_) in decided or (seller, pair_) in found:
            continue
        verdict_ = needs_review(arrival.order, other.order)
        if verdict_ is None:
            continue
        mine, theirs = (bundle_id, arrival.uid), (other.bundle_id, other.uid)
        first, second = (mine, theirs) if pair_[0] == arrival.key else (theirs, mine)
        found[(seller, pair_)] = ReviewToOpen(
            seller, pair_, (first[0], second[0]), (first[1], second[1]), fields(verdict_)
        )
    return list(found.values())


class ReviewStatus(StrEnum):
    PENDING = "PENDING"
    MERGED = "MERGED"
    KEPT_APART = "KEPT_APART"
    OBSOLETE = "OBSOLETE"


class PairDecision(StrEnum):
    """A person's answer about a pair of recipients, remembered for later orders."""

    MERGE = "MERGE"
    KEEP_APART = "KEEP_APART"


@dataclass
class Review:
    """A 확인필요 raised about two orders (side a has the pair's first key). PENDING until a
    person merges the two bundles or keeps them apart, or one of the orders leaves (OBSOLETE);
    decided once."""

    review_id: int
    seller_id: str
    pair: tuple[str, str]
    bundles: tuple[uuid.UUID, uuid.UUID]
    orders: tuple[str, str]
    status: ReviewStatus = ReviewStatus.PENDING
    decided_at: datetime | None = None

    def decide(self, merge: bool, now: datetime) -> PairDecision:
        if self.status is not ReviewStatus.PENDING:
            raise Refused(f"review {self.review_id} is already {self.status}")
        self.status = ReviewStatus.MERGED if merge else ReviewStatus.KEPT_APART
        self.decided_at = now
        return PairDecision.MERGE if merge else PairDecision.KEEP_APART

    def obsolete(self, now: datetime) -> None:
        """An order of the pair left (cancelled, unmatched, readdressed): no one is asked."""
        if self.status is not ReviewStatus.PENDING:
            raise Refused(f"review {self.review_id} is already {self.status}")
        self.status, self.decided_at = ReviewStatus.OBSOLETE, now
