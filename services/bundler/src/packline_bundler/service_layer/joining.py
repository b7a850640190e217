"""Matched orders join bundles, a batch at a time: every open bundle, review candidate and
decision the batch touches is loaded in one query each, the joins and reviews are decided in
memory (domain/), and written back set-based in the batch's transaction. A bundle whose time
has come at once (hold window 0) seals in the same transaction."""

from collections.abc import Sequence
from datetime import datetime, timedelta

from packline_bundler.domain import arrivals, review
from packline_bundler.domain.arrival import Arrival
from packline_bundler.domain.bundle import Bundle, readdressed
from packline_bundler.domain.review import Joined
from packline_bundler.domain.sealing import SealSettings
from packline_bundler.service_layer.ports import Ref, Work
from packline_contracts import OrderMatched, utcnow


async def join(work: Work, orders: Sequence[OrderMatched], hold: timedelta) -> int:
    """Returns how many orders joined a bundle."""
    uids = [o.order.uid for o in orders]
    cancelled = await work.orders.cancelled_among(uids)
    revoked = await work.orders.revoked_among([o.event_id for o in orders])
    orders = [o for o in orders if o.order.uid not in cancelled and o.event_id not in revoked]
    if not orders:
        return 0
    known = await work.orders.readdressed([o.order.uid for o in orders])  # 배송지 변경 first
    orders = [readdressed(o, known[o.order.uid]) if o.order.uid in known else o for o in orders]
    sellers = {o.seller_id for o in orders}
    timing = await work.settings.timing(sellers)
    batch = arrivals.arrivals(orders, await work.settings.exclusions(sellers))
    await work.bundles.lock_recipients(h for a in batch if not a.solo for h in a.hashes)
    members = await work.orders.memberships([a.uid for a in batch])
    batch = arrivals.may_join(batch, members)
    if not batch:
        return 0
    groups = await work.reviews.groups({(a.seller_id, a.key) for a in batch if not a.solo})
    now = utcnow()
    bundles = await _open_bundles(work, batch, groups, timing, hold, now)
    joined = arrivals.place(batch, groups, bundles)
    stored = await work.bundles.add_members(joined)
    joined = [j for j in joined if j[0].uid in stored]
    await _raise_reviews(work, joined)
    due = [b for b in bundles.values() if b.joined and b.due(now)]
    if due:
        await seal_bundles(work, due)
    return len(joined)


async def _open_bundles(
    work: Work,
    batch: Sequence[Arrival],
    groups: arrivals.Groups,
    timing: dict[str, SealSettings],
    hold: timedelta,
    now: datetime,
) -> dict[Ref, Bundle]:
    """Every group's OPEN bundle, locked: those open already, then new ones. A group whose
    bundle another transaction opened meanwhile is looked up again (it may have sealed it
    already, then we open one more)."""
    found = await work.bundles.open_for({(a.seller_id, a.group(groups)) for a in batch})
    missing = [a for a in batch if (a.seller_id, a.group(groups)) not in found]
    while missing:
        new = arrivals.new_bundles(missing, groups, found, timing, hold, now)
        lost = {b.ref for b in await work.bundles.add(new)}
        found.update({b.ref: b for b in new if b.ref not in lost})
        if lost:  # a racing replica opened these groups' bundles: take (or outlive) them
            found.update(await work.bundles.open_for(lost))
        missing = [a for a in missing if (a.seller_id, a.group(groups)) not in found]
    return found


async def _raise_reviews(work: Work, joined: Sequence[Joined]) -> None:
    """확인필요: open bundles of recipients close to the joined ones wait for a person's
    decision, unless a person already decided about the pair (then the decision stands)."""
    near = [a for a, _, _ in joined if not a.solo]
    if not near:
        return
    close = review.close_pairs(joined, await work.reviews.candidates(near))
    if not close:
        return
    pairs = {(a.seller_id, *review.pair(a.key, c.key)) for (a, _, _), c in close}
    decided = await work.reviews.decided(pairs)
    await work.reviews.open(review.to_open(close, decided))


async def seal_bundles(work: Work, bundles: Sequence[Bundle]) -> int:
    """Seal these locked OPEN bundles, except those a pending review holds; one with no live
    order left is over. Returns how many sealed."""
    held = await work.bundles.held([b.bundle_id for b in bundles])
    bundles = sorted((b for b in bundles if b.bundle_id not in held), key=lambda b: b.bundle_id)
    if not bundles:
        return 0
    live = await work.bundles.live_members([b.bundle_id for b in bundles])
    sealed = 0
    for bundle in bundles:
        event = bundle.seal(live.get(bundle.bundle_id, []))
        if event is not None:
            work.emit(event)
            sealed += 1
    await work.bundles.save_sealed(bundles)
    return sealed


async def seal(
    work: Work, *, limit: int = 200, seller_id: str | None = None, now: bool = False
) -> int:
    """Seal due bundles (or all of a seller's when `now`, the console's 합포처리 button)."""
    return await seal_bundles(work, await work.bundles.due(limit, seller_id, now))
