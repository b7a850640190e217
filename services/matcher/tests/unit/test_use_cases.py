"""The matcher's batch and mapping use cases with fake repositories and no database: what
service_layer/use_cases.py decides (PostgreSQL: tests/integration)."""

import pytest

from packline_contracts import (
    CancelledLine,
    OrderCancelled,
    OrderCollected,
    OrderMatched,
    OrderUnmatched,
    SkuLine,
    StockAllocated,
)
from packline_launcher.testing import bundle, collected, line, matched
from packline_matcher.domain.mappings import Action, UnknownSkus
from packline_matcher.service_layer import mappings, use_cases

from .fakes import FakeWork

KEY = ("s1", "COUPANG", "7001", "70011")
OTHER = ("s1", "COUPANG", "7002", "70021")
RICE = (SkuLine(sku="RICE", quantity=1),)


def _work(*skus: str) -> FakeWork:
    work = FakeWork()
    work.catalogue.skus = {("s1", s) for s in skus}
    return work


def _cancel(order: OrderCollected) -> OrderCancelled:
    return OrderCancelled(**order.follow_up(), order=order.order, recipient_key=order.recipient_key)


def _allocated(order: OrderCollected) -> StockAllocated:
    formed = bundle(matched(order, {"RICE": 1}))
    return StockAllocated(
        **formed.follow_up(),
        bundle_id=formed.bundle_id,
        recipient=formed.recipient,
        members=formed.members,
        allocated=RICE,
    )


async def test_an_order_is_matched_by_a_learned_mapping() -> None:
    work = _work("RICE")
    work.mappings.stored[KEY] = (SkuLine(sku="RICE", quantity=2),)
    order = collected(1, line("7001", "70011", quantity=3))
    await use_cases.handle(work, [order])
    [event] = work.emitted
    assert isinstance(event, OrderMatched) and event.order == order.order
    assert event.matched_lines[0].skus == (SkuLine(sku="RICE", quantity=6),)
    assert work.matched.rows[order.order.uid].via == [("7001", "70011")]
    assert work.mappings.locks == [([KEY], False)]  # shared: a person's mapping waits for us
    assert work.queue.rows == {}


async def test_an_order_line_is_matched_by_its_seller_sku_code_in_the_catalogue() -> None:
    work = _work("EGG")
    order = collected(1, line("9999", "99991").model_copy(update={"seller_sku_code": "EGG"}))
    await use_cases.handle(work, [order])
    [event] = work.emitted
    assert isinstance(event, OrderMatched)
    assert event.matched_lines[0].skus == (SkuLine(sku="EGG", quantity=1),)
    assert work.matched.rows[order.order.uid].via == []  # no deleted mapping can unmatch it


async def test_a_batch_holds_what_waits_naming_what_is_missing_with_one_load_and_one_write_each() -> (
    None
):
    work = _work("RICE")
    work.mappings.stored[KEY] = RICE
    waiting = [
        collected(n, line("7001", "70011"), line("7002", "70021", line_id="2")) for n in (1, 2)
    ]
    ready = collected(3, line("7001", "70011"))
    await use_cases.handle(work, [*waiting, ready, ready])  # `ready` delivered twice
    assert [e.order for e in work.emitted] == [ready.order]
    assert list(work.queue.rows) == [o.order.uid for o in waiting]
    assert all(work.queue.missing(o) == [("7002", "70021")] for o in waiting)
    assert (work.mappings.loads, work.catalogue.loads) == (1, 1)
    assert (work.queue.saves, work.matched.writes) == (1, 1)
    # delivered again, it waits for the same listing: its suggestions stay
    await use_cases.handle(work, waiting[:1])
    assert work.queue.asked_again == set() and work.emitted == [work.emitted[0]]


async def test_a_cancel_ahead_of_its_order_in_one_batch_tombstones_it_and_it_is_never_matched() -> (
    None
):
    work = _work("RICE")
    work.mappings.stored[KEY] = RICE
    gone, waiting = collected(1, line()), collected(2, line("7002", "70021"))
    await use_cases.handle(work, [waiting])
    await use_cases.handle(work, [gone, _cancel(gone), _cancel(waiting)])  # cancels go first
    assert work.orders.tombstones == {gone.order.uid, waiting.order.uid}
    assert work.emitted == [] and work.matched.rows == {}
    assert work.queue.rows == {}  # a cancelled order leaves the queue


async def test_a_partial_cancel_is_no_cancellation_of_the_order() -> None:
    work = _work("RICE")
    work.mappings.stored[KEY] = RICE
    order = collected(1, line())
    partial = OrderCancelled(
        **order.follow_up(),
        order=order.order,
        recipient_key=order.recipient_key,
        lines=(CancelledLine(line_id="1", quantity=1),),
    )
    await use_cases.handle(work, [partial, order])
    assert work.orders.tombstones == set() and len(work.emitted) == 1


async def test_a_new_mapping_releases_the_orders_it_completes_and_records_the_decision() -> None:
    work = _work("RICE")
    one, two = collected(1, line()), collected(2, line())
    both = collected(3, line(), line("7002", "70021", line_id="2"))
    await use_cases.handle(work, [one, two, both])
    assert work.queue.missing(both) == [("7001", "70011"), ("7002", "70021")]
    released = await mappings.add_mapping(work, KEY, RICE, "kim", "same rice")
    assert released == [one.order.uid, two.order.uid]
    assert {e.order.uid for e in work.emitted} == set(released)
    assert list(work.queue.rows) == [both.order.uid]
    assert work.queue.missing(both) == [("7002", "70021")]
    assert work.queue.asked_again == {both.order.uid}  # waits for less: suggest again
    [decision] = work.decisions.recorded
    assert (decision.action, decision.decided_by, decision.reason) == (
        Action.MATCH,
        "kim",
        "same rice",
    )
    assert decision.subject["released_orders"] == released
    assert work.mappings.locks[-1] == ([KEY], True)


async def test_a_mapping_to_a_sku_missing_from_the_catalogue_is_refused() -> None:
    work = _work("RICE")
    order = collected(1, line())
    await use_cases.handle(work, [order])
    ghost = (SkuLine(sku="GHOST", quantity=1), *RICE)
    with pytest.raises(UnknownSkus, match="GHOST are not in seller s1's catalogue"):
        await mappings.add_mapping(work, KEY, ghost, "kim")
    assert work.mappings.stored == {} and work.decisions.recorded == []
    assert list(work.queue.rows) == [order.order.uid] and work.emitted == []


async def test_an_allocation_ahead_of_the_unmatch_takes_the_order_out_of_the_queue() -> None:
    work = _work("RICE")
    work.mappings.stored[KEY] = RICE
    orders = [collected(n, line()) for n in (1, 2)]
    await use_cases.handle(work, orders)
    back = await mappings.delete_mapping(work, KEY, "lee", "wrong option")
    assert back == sorted(o.order.uid for o in orders)
    assert all(isinstance(e, OrderUnmatched) for e in work.emitted[2:])
    assert sorted(work.queue.rows) == back
    writes = work.decisions.writes
    await use_cases.handle(work, [_allocated(o) for o in orders])  # the allocator was ahead
    assert work.queue.rows == {}
    assert all(work.matched.rows[uid].allocated for uid in back)
    late = [d for d in work.decisions.recorded if d.action is Action.ALLOCATED_BEFORE_UNMATCH]
    assert [(d.subject, d.decided_by) for d in late] == [({"order": u}, "system") for u in back]
    assert work.decisions.writes == writes + 1  # one statement for the batch's decisions


async def test_deleting_a_mapping_leaves_allocated_orders_matched() -> None:
    work = _work("RICE")
    work.mappings.stored[KEY] = RICE
    shipped_soon, not_yet = collected(1, line()), collected(2, line())
    await use_cases.handle(work, [shipped_soon, not_yet])
    await use_cases.handle(work, [_allocated(shipped_soon)])
    assert await mappings.delete_mapping(work, KEY, "lee", "x" * 400) == [not_yet.order.uid]
    withdrawn = work.emitted[-1]
    assert isinstance(withdrawn, OrderUnmatched) and len(withdrawn.reason) == 300
    assert list(work.queue.rows) == [not_yet.order.uid]
    assert shipped_soon.order.uid in work.matched.rows
