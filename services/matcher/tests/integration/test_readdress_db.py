"""배송지 변경 in the matcher against real PostgreSQL: a held order is released with the new
recipient; a matched order emits nothing more (the bundler takes the change itself)."""

from typing import Any

from packline_contracts import OrderMatched, SkuLine
from packline_launcher.testing import collected, line, recipient, recipient_changed
from packline_matcher.adapters import catalogue
from packline_matcher.bootstrap import MIGRATIONS
from packline_matcher.domain.catalogue import CatalogueItem
from packline_matcher.service_layer import use_cases
from packline_runtime.unit_of_work import unit_of_work

KEY = ("s1", "COUPANG", "7001", "70011")
MOVED = recipient("이서연", "010-9999-0000", address1="부산 해운대구 해운대로 9")


async def test_a_held_order_is_released_with_its_new_recipient(new_schema: Any) -> None:
    pool = await new_schema(MIGRATIONS, prefix="radr")
    async with unit_of_work(pool) as uow:
        await catalogue.upsert(uow.conn, "s1", [CatalogueItem("RICE", "RICE")], "tester")
    held, other = collected(1, line("7001", "70011")), collected(2, line("7001", "70011"))
    change = recipient_changed(held, MOVED)
    async with unit_of_work(pool) as uow:
        await use_cases.handle_events(uow, [held, other, change])
        assert uow.emitted == []
    async with unit_of_work(pool) as uow:
        await use_cases.add_mapping(uow, KEY, [SkuLine(sku="RICE", quantity=1)], "tester")
        released = {e.order.uid: e for e in uow.emitted if isinstance(e, OrderMatched)}
    assert released[held.order.uid].recipient == MOVED
    assert released[held.order.uid].recipient_key == change.new_recipient_key
    assert released[other.order.uid].recipient == other.recipient


async def test_an_already_matched_order_emits_nothing_on_a_change(new_schema: Any) -> None:
    pool = await new_schema(MIGRATIONS, prefix="radr")
    async with unit_of_work(pool) as uow:
        await catalogue.upsert(uow.conn, "s1", [CatalogueItem("RICE", "RICE")], "tester")
        await use_cases.add_mapping(uow, KEY, [SkuLine(sku="RICE", quantity=1)], "tester")
    order = collected(1, line("7001", "70011"))
    async with unit_of_work(pool) as uow:
        await use_cases.handle_events(uow, [order])
        assert len(uow.emitted) == 1
    async with unit_of_work(pool) as uow:
        await use_cases.handle_events(uow, [recipient_changed(order, MOVED)])
        assert uow.emitted == []
