"""A matcher database from before order uids named the seller is upgraded in place: an order
held under its old uid is released by a new mapping, and one already matched is not matched
again when it is delivered once more."""

import json
from typing import Any

from packline_contracts import OrderCollected, OrderMatched, SkuLine
from packline_launcher.testing import collected, line
from packline_matcher.adapters import catalogue
from packline_matcher.bootstrap import MIGRATIONS
from packline_matcher.domain.catalogue import CatalogueItem
from packline_matcher.service_layer import use_cases
from packline_runtime.unit_of_work import unit_of_work

NEWER = ("006_order_uids_include_seller.sql", "004_order_uids_include_seller.sql")


def _as_written_before(order: OrderCollected) -> str:
    payload = json.loads(order.model_dump_json())
    del payload["order"]["seller_id"]
    return json.dumps({**payload, "schema_version": 1})


async def test_old_held_and_matched_orders_are_found_by_the_new_uids(new_schema: Any) -> None:
    pool, upgrade = await new_schema.before(MIGRATIONS, *NEWER, prefix="match")
    held, matched = collected(1, line("7001", "70011")), collected(2, line("7001", "70011"))
    async with pool.acquire() as conn:
        await conn.execute(
            "INSERT INTO held_orders (order_uid, seller_id, event, missing) "
            """VALUES ($1, 's1', $2, '[["7001", "70011"]]')""",
            f"COUPANG:{held.order.marketplace_order_id}",
            _as_written_before(held),
        )
        await conn.execute(
            "INSERT INTO matched_orders (order_uid, seller_id) VALUES ($1, 's1')",
            f"COUPANG:{matched.order.marketplace_order_id}",
        )

    await upgrade()

    async with unit_of_work(pool) as uow:
        await catalogue.upsert(uow.conn, "s1", [CatalogueItem("RICE", "RICE")], "tester")
        key = ("s1", "COUPANG", "7001", "70011")
        released = await use_cases.add_mapping(uow, key, [SkuLine(sku="RICE", quantity=1)], "t")
    async with unit_of_work(pool) as uow:
        await use_cases.handle_events(uow, [matched])
        again = [e for e in uow.emitted if isinstance(e, OrderMatched)]
    assert released == [held.order.uid] and held.order.uid.startswith("s1:")
    assert again == []
