"""Catalogue checks, matching by seller SKU code, and deleting a wrong mapping against real
PostgreSQL: unallocated orders go back to the queue and are withdrawn downstream."""

from typing import Any

import pytest

from packline_contracts import (
    OrderCollected,
    OrderMatched,
    OrderUnmatched,
    SkuLine,
    StockAllocated,
)
from packline_launcher.testing import bundle, collected, line, matched
from packline_matcher.adapters import catalogue
from packline_matcher.bootstrap import MIGRATIONS
from packline_matcher.domain.catalogue import CatalogueItem
from packline_matcher.service_layer import queue, suggestions, use_cases
from packline_runtime import decisions
from packline_runtime.unit_of_work import unit_of_work

KEY = ("s1", "COUPANG", "7001", "70011")
RICE = [SkuLine(sku="RICE", quantity=1)]


async def _ready(new_schema: Any) -> Any:
    pool = await new_schema(MIGRATIONS, prefix="unmatch")
    async with unit_of_work(pool) as uow:
        await catalogue.upsert(
            uow.conn,
            "s1",
            [CatalogueItem("RICE", "유기농 현미", "5kg"), CatalogueItem("EGG", "계란", "30구")],
            "tester",
        )
    return pool


def _allocated(order: OrderCollected) -> StockAllocated:
    formed = bundle(matched(order, {"RICE": 1}))
    return StockAllocated(
        **formed.follow_up(),
        bundle_id=formed.bundle_id,
        recipient=formed.recipient,
        members=formed.members,
        allocated=(SkuLine(sku="RICE", quantity=1),),
    )


async def test_a_mapping_to_a_sku_missing_from_the_catalogue_is_refused(new_schema: Any) -> None:
    pool = await _ready(new_schema)
    with pytest.raises(use_cases.UnknownSkus, match="GHOST are not in seller s1's catalogue"):
        async with unit_of_work(pool) as uow:
            await use_cases.add_mapping(uow, KEY, [SkuLine(sku="GHOST", quantity=1)], "tester")
    assert await pool.fetchval("SELECT count(*) FROM mappings") == 0


async def test_an_order_line_with_a_catalogue_sku_code_matches_without_a_mapping(
    new_schema: Any,
) -> None:
    pool = await _ready(new_schema)
    order = collected(1, line("9999", "99991").model_copy(update={"seller_sku_code": "EGG"}))
    async with unit_of_work(pool) as uow:
        await use_cases.handle_events(uow, [order])
        [event] = uow.emitted
    assert isinstance(event, OrderMatched)
    assert event.matched_lines[0].skus == (SkuLine(sku="EGG", quantity=1),)


async def test_the_queue_suggests_catalogue_skus_for_waiting_lines(new_schema: Any) -> None:
    pool = await _ready(new_schema)
    waiting = line("7001", "70011").model_copy(
        update={"product_name": "유기농 현미 5kg", "option_name": "5kg"}
    )
    async with unit_of_work(pool) as uow:
        await use_cases.handle_events(uow, [collected(1, waiting)])
    async with pool.acquire() as conn:
        [entry] = (await queue.page(conn, "s1", 10, None)).items
    assert entry.suggested_at is None and entry.lines[0].suggestions == []  # not yet computed
    assert await suggestions.refresh(pool) == 1
    assert await suggestions.refresh(pool) == 0
    async with pool.acquire() as conn:
        [entry] = (await queue.page(conn, "s1", 10, None)).items
    [waiting_line] = entry.lines
    assert waiting_line.unmatched is True
    assert waiting_line.suggestions[0].sku == "RICE"
    # a catalogue change asks again; the old suggestions stay shown until the new ones are in
    async with unit_of_work(pool) as uow:
        await suggestions.import_catalogue(
            uow, "s1", [CatalogueItem("RICE-NEW", "유기농 현미 5kg", "5kg")], "tester"
        )
    async with pool.acquire() as conn:
        [entry] = (await queue.page(conn, "s1", 10, None)).items
    assert entry.suggested_at is None and entry.lines[0].suggestions[0].sku == "RICE"
    assert await suggestions.refresh(pool) == 1
    async with pool.acquire() as conn:
        [entry] = (await queue.page(conn, "s1", 10, None)).items
    assert [s.sku for s in entry.lines[0].suggestions][:2] == ["RICE-NEW", "RICE"]


async def test_deleting_a_mapping_sends_unallocated_orders_back_and_withdraws_them(
    new_schema: Any,
) -> None:
    pool = await _ready(new_schema)
    async with unit_of_work(pool) as uow:
        await use_cases.add_mapping(uow, KEY, RICE, "kim", "matched in console")
    shipped_soon, not_yet = collected(1, line()), collected(2, line())
    async with unit_of_work(pool) as uow:
        await use_cases.handle_events(uow, [shipped_soon, not_yet])
        matched_ids = {e.order.uid: e.event_id for e in uow.emitted}  # type: ignore[attr-defined]
    async with unit_of_work(pool) as uow:
        await use_cases.handle_events(uow, [_allocated(shipped_soon)])
    async with unit_of_work(pool) as uow:
        back = await use_cases.delete_mapping(uow, KEY, "lee", "wrong option mapped")
        [withdrawn] = uow.emitted
    assert back == [not_yet.order.uid]
    assert isinstance(withdrawn, OrderUnmatched)
    assert withdrawn.matched_event_id == matched_ids[not_yet.order.uid]
    assert withdrawn.recipient_key == not_yet.recipient_key
    held = await pool.fetch("SELECT order_uid FROM held_orders")
    assert [r["order_uid"] for r in held] == [not_yet.order.uid]
    # a later order of that listing waits too, and matching it again releases the one back
    async with unit_of_work(pool) as uow:
        released = await use_cases.add_mapping(uow, KEY, [SkuLine(sku="EGG", quantity=1)], "lee")
    assert released == [not_yet.order.uid]
    async with pool.acquire() as conn:
        record = await decisions.recent(conn, "s1", None, 10)
    assert [(d["action"], d["decided_by"]) for d in record] == [
        ("MATCH", "lee"),
        ("MAPPING_DELETE", "lee"),
        ("MATCH", "kim"),
    ]
    assert record[1]["reason"] == "wrong option mapped"
    assert record[1]["subject"]["unmatched_orders"] == [not_yet.order.uid]


async def test_an_allocation_that_beat_the_deletion_takes_the_order_out_of_the_queue(
    new_schema: Any,
) -> None:
    pool = await _ready(new_schema)
    async with unit_of_work(pool) as uow:
        await use_cases.add_mapping(uow, KEY, RICE, "kim")
    order = collected(1, line())
    async with unit_of_work(pool) as uow:
        await use_cases.handle_events(uow, [order])
    async with unit_of_work(pool) as uow:
        await use_cases.delete_mapping(uow, KEY, "lee", "wrong")
    assert await pool.fetchval("SELECT count(*) FROM held_orders") == 1
    async with unit_of_work(pool) as uow:  # the allocator had reserved it already
        await use_cases.handle_events(uow, [_allocated(order)])
    assert await pool.fetchval("SELECT count(*) FROM held_orders") == 0
    assert await pool.fetchval("SELECT allocated_at IS NOT NULL FROM matched_orders") is True
    async with pool.acquire() as conn:
        [late] = await decisions.recent(conn, "s1", "ALLOCATED_BEFORE_UNMATCH", 10)
    assert late["decided_by"] == "system" and late["subject"] == {"order": order.order.uid}


async def test_deleting_a_mapping_that_does_not_exist_says_so(new_schema: Any) -> None:
    pool = await _ready(new_schema)
    with pytest.raises(use_cases.MappingNotFound, match="no mapping for COUPANG listing 7001"):
        async with unit_of_work(pool) as uow:
            await use_cases.delete_mapping(uow, KEY, "lee", "wrong")
