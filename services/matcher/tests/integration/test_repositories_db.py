"""The matcher's set-based repositories against real PostgreSQL: the queue keeps an order's
suggestions while it waits for the same listings and asks again when that changes; a batch's
decisions go in as one statement, in order."""

from typing import Any

from packline_contracts import SkuLine
from packline_launcher.testing import collected, line
from packline_matcher.adapters import catalogue
from packline_matcher.adapters.decisions import PgDecisionRepository
from packline_matcher.bootstrap import MIGRATIONS
from packline_matcher.domain.catalogue import CatalogueItem
from packline_matcher.domain.mappings import Action, Decision
from packline_matcher.service_layer import use_cases
from packline_runtime import decisions
from packline_runtime.unit_of_work import unit_of_work

KEY = ("s1", "COUPANG", "7001", "70011")


async def _queue(pool: Any) -> dict[str, Any]:
    rows = await pool.fetch("SELECT order_uid, missing, suggested_at, asked_at FROM held_orders")
    return {r["order_uid"]: r for r in rows}


async def test_the_queue_asks_for_suggestions_again_only_when_what_is_missing_changes(
    new_schema: Any,
) -> None:
    pool = await new_schema(MIGRATIONS, prefix="mrepo")
    async with unit_of_work(pool) as uow:
        await catalogue.upsert(uow.conn, "s1", [CatalogueItem("RICE", "RICE")], "tester")
    one = collected(1, line())
    two = collected(2, line(), line("7002", "70021", line_id="2"))
    async with unit_of_work(pool) as uow:
        await use_cases.handle_events(uow, [one, two])
    await pool.execute("UPDATE held_orders SET suggested_at = now()")  # the suggester ran
    before = await _queue(pool)
    assert before[two.order.uid]["missing"] == '[["7001", "70011"], ["7002", "70021"]]'
    async with unit_of_work(pool) as uow:  # delivered again: waiting for the same listings
        await use_cases.handle_events(uow, [one, two])
    assert await _queue(pool) == before
    async with unit_of_work(pool) as uow:
        released = await use_cases.add_mapping(uow, KEY, [SkuLine(sku="RICE", quantity=1)], "t")
    assert released == [one.order.uid]
    [after] = (await _queue(pool)).values()
    assert after["order_uid"] == two.order.uid and after["missing"] == '[["7002", "70021"]]'
    assert after["suggested_at"] is None
    assert after["asked_at"] > before[two.order.uid]["asked_at"]


async def test_a_batch_of_decisions_is_recorded_in_order(new_schema: Any) -> None:
    pool = await new_schema(MIGRATIONS, prefix="mrepo")
    made = [
        Decision("s1", Action.ALLOCATED_BEFORE_UNMATCH, {"order": f"s1:C:{n}"}, "system", "늦음")
        for n in range(3)
    ]
    async with unit_of_work(pool) as uow:
        await PgDecisionRepository(uow.conn).record(made)
        await PgDecisionRepository(uow.conn).record([])
    async with pool.acquire() as conn:
        found = await decisions.recent(conn, "s1", None, 10)
    assert [(d["action"], d["subject"], d["reason"]) for d in reversed(found)] == [
        ("ALLOCATED_BEFORE_UNMATCH", {"order": f"s1:C:{n}"}, "늦음") for n in range(3)
    ]
