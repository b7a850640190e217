"""A bundler database from before order uids named the seller is upgraded in place: a member
of an open bundle, under its old uid, leaves it when its cancellation arrives."""

import json
import uuid
from datetime import timedelta
from typing import Any

from packline_bundler.bootstrap import MIGRATIONS
from packline_bundler.service_layer import use_cases
from packline_contracts import OrderCancelled
from packline_launcher.testing import collected, matched
from packline_runtime.unit_of_work import unit_of_work

NEWER = ("006_order_uids_include_seller.sql", "003_order_uids_include_seller.sql")


async def test_an_old_member_leaves_its_open_bundle_when_cancelled(new_schema: Any) -> None:
    pool, upgrade = await new_schema.before(MIGRATIONS, *NEWER, prefix="bund")
    order = matched(collected(1), {"A": 1})
    written_before = json.loads(order.model_dump_json())
    del written_before["order"]["seller_id"]
    bundle_id = uuid.uuid4()
    old_uid = f"COUPANG:{order.order.marketplace_order_id}"
    async with pool.acquire() as conn:
        await conn.execute(
            "INSERT INTO bundles (bundle_id, seller_id, bundle_key, recipient_key, seal_after) "
            "VALUES ($1, 's1', 'k', $2, now() + interval '1 hour')",
            bundle_id,
            order.recipient_key,
        )
        await conn.execute(
            "INSERT INTO bundle_members (order_uid, bundle_id, event, paid_at, matched_event_id) "
            "VALUES ($1, $2, $3, $4, $5)",
            old_uid,
            bundle_id,
            json.dumps({**written_before, "schema_version": 2}),
            order.paid_at,
            order.event_id,
        )
        await conn.execute(
            "INSERT INTO revoked_matches (matched_event_id, order_uid) VALUES ($1, $2)",
            uuid.uuid4(),
            old_uid,
        )

    await upgrade()

    cancel = OrderCancelled(
        **order.follow_up(), order=order.order, recipient_key=order.recipient_key
    )
    async with unit_of_work(pool) as uow:
        await use_cases.handle_events(uow, [cancel], timedelta(seconds=60))
    async with unit_of_work(pool) as uow:
        assert await use_cases.seal(uow, now=True) == 0
    assert await pool.fetchval("SELECT status FROM bundles") == "CANCELLED"
    assert await pool.fetchval("SELECT order_uid FROM revoked_matches") == order.order.uid
