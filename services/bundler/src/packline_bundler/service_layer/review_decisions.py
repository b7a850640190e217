"""A person's answer to a 확인필요 review: merge the two recipients' bundles, or keep them
apart. The answer is remembered for the pair, so later orders of the same pair follow it."""

from packline_bundler.domain.review import PairDecision, Review
from packline_bundler.service_layer.ports import Work
from packline_contracts import utcnow


async def decide(
    work: Work, seller_id: str, review_id: int, merge: bool, by: str, reason: str
) -> None:
    """The seller's lock comes first, as in the consumer, so arriving orders wait for the
    decision (or it for them) instead of deadlocking with it or bundling by stale groups.
    Another seller's review is answered as a missing one; a decided one is refused."""
    if not await work.reviews.is_sellers(seller_id, review_id):
        raise LookupError(f"no review {review_id}")
    await work.bundles.lock_sellers([seller_id], exclusive=True)
    review = await work.reviews.lock(review_id)
    if review is None:
        raise LookupError(f"no review {review_id}")
    decision = review.decide(merge, utcnow())
    await work.reviews.remember(review.seller_id, review.pair, decision, by, reason)
    if decision is PairDecision.MERGE:
        await _merge(work, review)
    await work.reviews.save([review])
    await work.decisions.record(
        review.seller_id,
        decision.value,
        {
            "review_id": review_id,
            "bundles": [str(b) for b in review.bundles],
            "orders": list(review.orders),
        },
        by,
        reason,
    )


async def _merge(work: Work, review: Review) -> None:
    """The pair's groups become one; if both bundles are still open, side b's joins side a's
    (otherwise later orders follow the merged group)."""
    group = await work.reviews.join_groups(review.seller_id, *review.pair)
    held = await work.bundles.hold(ids=review.bundles)
    survivor, loser = (held.by_id.get(b) for b in review.bundles)
    if survivor is None or loser is None or not survivor.can_merge(loser):
        return
    survivor.absorb(loser, group)
    await work.bundles.save([survivor, loser])
    await work.reviews.repoint(loser.bundle_id, survivor.bundle_id)
