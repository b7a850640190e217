"""The unmatched queue's rule (domain/queue.py): an order held again waiting for the same
listings keeps its suggestions; waiting for others asks for them again."""

from packline_launcher.testing import collected, line
from packline_matcher.domain.queue import HeldOrder, hold

A, B = ("7001", "70011"), ("7002", "70021")


def test_a_new_order_is_queued_and_one_held_again_for_the_same_listings_is_left_alone() -> None:
    new, again = collected(1, line()), collected(2, line())
    queued = {again.order.uid: HeldOrder(again, [A], stored=True)}
    changed = hold([(new, [A]), (again, [A]), (new, [A])], queued)
    assert [(h.uid, h.stored, h.asked_again) for h in changed] == [(new.order.uid, False, False)]


def test_an_order_waiting_for_other_listings_is_asked_for_suggestions_again() -> None:
    order = collected(1, line(), line("7002", "70021", line_id="2"))
    entry = HeldOrder(order, [A, B], stored=True)
    [changed] = hold([(order, [B])], {order.order.uid: entry})
    assert changed is entry and entry.missing == [B] and entry.asked_again
