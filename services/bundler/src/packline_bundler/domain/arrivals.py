"""A batch of matched orders joining bundles, decided in memory: which orders may join, under
which group key, in which order, and into which bundle."""

from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import datetime, timedelta

from packline_bundler.domain.arrival import Arrival
from packline_bundler.domain.bundle import Bundle
from packline_bundler.domain.bundles import bundle_key, is_solo, recipient_of
from packline_bundler.domain.review import Joined
from packline_bundler.domain.sealing import SealSettings, seal_after
from packline_contracts import OrderMatched
from packline_recipients import field_hashes

Exclusions = Mapping[str, Mapping[str, Collection[str]]]  # seller → kind → values
Groups = dict[tuple[str, str], str]  # (seller, bundle key) → merge group key


def arrivals(orders: Iterable[OrderMatched], excluded: Exclusions) -> list[Arrival]:
    found = []
    for o in orders:
        never = excluded.get(o.seller_id, {})
        solo = is_solo(o, never.get("SKU", set()), never.get("MARKETPLACE", set()))
        hashes = field_hashes(o.seller_id, recipient_of(o))
        found.append(Arrival(o, bundle_key(o), hashes, solo))
    return found


def may_join(batch: Sequence[Arrival], members: Mapping[str, bool]) -> list[Arrival]:
    """An order sits in one bundle: only one with no live membership (none, or withdrawn by
    an unmatch; `members`: uid → live) joins, and only once per batch (its first event)."""
    seen: set[str] = set()
    found = []
    for a in batch:
        if members.get(a.uid, False) or a.uid in seen:
            continue
        seen.add(a.uid)
        found.append(a)
    return found


def in_join_order(batch: Sequence[Arrival], groups: Groups) -> list[Arrival]:
    """One group at a time in a fixed order (as the bundles are locked), by order uid within
    it; events of one order keep their order (the sort is stable)."""
    return sorted(batch, key=lambda a: (a.seller_id, a.group(groups), a.uid))


def new_bundles(
    batch: Sequence[Arrival],
    groups: Groups,
    found: Mapping[tuple[str, str], Bundle],
    timing: Mapping[str, SealSettings],
    default_hold: timedelta,
    now: datetime,
) -> list[Bundle]:
    """An OPEN bundle for each group no open bundle gathers yet, in group order."""
    opened: dict[tuple[str, str], Bundle] = {}
    for a in batch:
        ref = (a.seller_id, a.group(groups))
        if ref in found or ref in opened:
            continue
        when = seal_after(timing.get(a.seller_id, SealSettings()), now, default_hold)
        opened[ref] = Bundle.open(a.seller_id, ref[1], a.order.recipient_key, when)
    return [opened[ref] for ref in sorted(opened)]


def place(
    batch: Sequence[Arrival], groups: Groups, bundles: Mapping[tuple[str, str], Bundle]
) -> list[Joined]:
    """Each order joins its group's open bundle (in join order)."""
    joined: list[Joined] = []
    for a in in_join_order(batch, groups):
        group = a.group(groups)
        bundle = bundles[(a.seller_id, group)]
        bundle.join(a)
        joined.append((a, bundle.bundle_id, group))
    return joined
