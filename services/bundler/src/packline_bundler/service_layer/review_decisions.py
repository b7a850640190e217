"""A person's answer to a 확인필요 review: merge the two recipients' bundles, or keep them
apart. The answer is remembered for the pair, so later orders of the same pair follow it."""

from packline_bundler.adapters import changes as changes_repo
from packline_bundler.adapters import repository as bundles
from packline_bundler.adapters import reviews
from packline_bundler.service_layer.changes import Refused
from packline_runtime import decisions
from packline_runtime.unit_of_work import UnitOfWork


async def decide(
    uow: UnitOfWork, seller_id: str, review_id: int, merge: bool, by: str, reason: str
) -> None:
    """The seller's lock comes first, as in the consumer, so arriving orders wait for the
    decision (or it for them) instead of deadlocking with it or bundling by stale groups.
    Another seller's review is answered as a missing one."""
    if not await reviews.is_sellers(uow.conn, seller_id, review_id):
        raise LookupError(f"no review {review_id}")
    await bundles.lock_sellers(uow.conn, [seller_id], exclusive=True)
    found = await reviews.lock_review(uow.conn, review_id)
    if found is None:
        raise LookupError(f"no review {review_id}")
    if found["status"] != "PENDING":
        raise Refused(f"review {review_id} is already {found['status']}")
    seller, pair = found["seller_id"], (found["key_a"], found["key_b"])
    decision = "MERGE" if merge else "KEEP_APART"
    await reviews.decide(uow.conn, seller, pair, decision, by, reason)
    if merge:
        group = await reviews.join_groups(uow.conn, seller, *pair)
        a, b = sorted([found["bundle_a"], found["bundle_b"]])
        rows = [await changes_repo.lock_bundle(uow.conn, x) for x in (a, b)]
        if a != b and all(r is not None and r["status"] == "OPEN" for r in rows):
            await reviews.merge_bundles(uow.conn, found["bundle_a"], found["bundle_b"], group)
    await reviews.close(uow.conn, review_id, "MERGED" if merge else "KEPT_APART")
    await decisions.record(
        uow.conn,
        seller,
        decision,
        {
            "review_id": review_id,
            "bundles": [str(found["bundle_a"]), str(found["bundle_b"])],
            "orders": [found["order_a"], found["order_b"]],
        },
        by,
        reason,
    )
