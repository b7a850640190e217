"""Bundling against real PostgreSQL: replicas racing on one recipient make one bundle."""

import asyncio
from datetime import timedelta
from typing import Any

from packline_bundler.bootstrap import MIGRATIONS
from packline_bundler.service_layer import use_cases
from packline_contracts import BundleFormed, OrderCancelled
from packline_launcher.testing import collected, matched, recipient
from packline_runtime.unit_of_work import unit_of_work

HOLD = timedelta(seconds=60)


async def test_racing_replicas_put_one_recipients_orders_in_one_bundle_once(
    new_schema: Any,
) -> None:
    pool = await new_schema(MIGRATIONS, prefix="bund")
    orders = [matched(collected(n), {"A": 1}) for n in range(12)]

    async def replica(part: list[Any]) -> None:
        for o in part:
            async with unit_of_work(pool) as uow:
                await use_cases.handle_events(uow, [o], HOLD)

    # every order delivered twice, to both replicas at once
    await asyncio.gather(replica(orders), replica(list(reversed(orders))))
    assert await pool.fetchval("SELECT count(*) FROM bundles") == 1
    assert await pool.fetchval("SELECT count(*) FROM bundle_members") == 12
    async with unit_of_work(pool) as uow:
        assert await use_cases.seal(uow, now=True) == 1
        [event] = uow.emitted
    assert isinstance(event, BundleFormed) and len(event.members) == 12


async def test_different_recipients_get_different_bundles(new_schema: Any) -> None:
    pool = await new_schema(MIGRATIONS, prefix="bund")
    a = matched(collected(1, to=recipient(mobile="010-1111-1111")), {"A": 1})
    b = matched(collected(2, to=recipient(mobile="010-2222-2222")), {"A": 1})
    async with unit_of_work(pool) as uow:
        await use_cases.handle_events(uow, [a, b], HOLD)
    assert await pool.fetchval("SELECT count(*) FROM bundles") == 2


async def test_a_cancelled_order_leaves_its_open_bundle_and_an_empty_bundle_is_not_sealed(
    new_schema: Any,
) -> None:
    pool = await new_schema(MIGRATIONS, prefix="bund")
    order = matched(collected(1), {"A": 1})
    async with unit_of_work(pool) as uow:
        await use_cases.handle_events(uow, [order], HOLD)
    cancel = OrderCancelled(
        **order.follow_up(), order=order.order, recipient_key=order.recipient_key
    )
    async with unit_of_work(pool) as uow:
        await use_cases.handle_events(uow, [cancel], HOLD)
    async with unit_of_work(pool) as uow:
        assert await use_cases.seal(uow, now=True) == 0
        assert uow.emitted == []
    assert await pool.fetchval("SELECT status FROM bundles") == "CANCELLED"


async def test_an_order_cancelled_before_it_arrives_never_joins_a_bundle(new_schema: Any) -> None:
    pool = await new_schema(MIGRATIONS, prefix="bund")
    order = matched(collected(1), {"A": 1})
    cancel = OrderCancelled(
        **order.follow_up(), order=order.order, recipient_key=order.recipient_key
    )
    async with unit_of_work(pool) as uow:
        await use_cases.handle_events(uow, [cancel], HOLD)
    async with unit_of_work(pool) as uow:
        await use_cases.handle_events(uow, [order], HOLD)
    assert await pool.fetchval("SELECT count(*) FROM bundle_members") == 0


async def test_a_hold_window_of_zero_seals_at_once_and_the_loop_seals_only_due_bundles(
    new_schema: Any,
) -> None:
    pool = await new_schema(MIGRATIONS, prefix="bund")
    async with unit_of_work(pool) as uow:
        await use_cases.handle_events(uow, [matched(collected(1), {"A": 1})], timedelta(0))
        [at_once] = uow.emitted  # sealed in the batch's transaction, no wait for the loop
        await use_cases.handle_events(
            uow,
            [
                matched(
                    collected(
                        2,
                        to=recipient(
                            name="박지호", mobile="010-9999-8888", address1="부산 중구 중앙대로 1"
                        ),
                    ),
                    {"A": 1},
                )
            ],
            HOLD,
        )
    assert isinstance(at_once, BundleFormed) and len(at_once.members) == 1
    statuses = await pool.fetch("SELECT status, sealed_at FROM bundles ORDER BY status")
    assert [r["status"] for r in statuses] == ["OPEN", "SEALED"]
    assert statuses[1]["sealed_at"] is not None
    async with unit_of_work(pool) as uow:
        assert await use_cases.seal(uow) == 0  # the other one's hold window is running
    await pool.execute("UPDATE bundles SET seal_after = now() - interval '1 second'")
    async with unit_of_work(pool) as uow:
        assert await use_cases.seal(uow) == 1
        [later] = uow.emitted
    assert isinstance(later, BundleFormed) and later.bundle_id != at_once.bundle_id


async def test_two_sellers_orders_with_one_id_bundle_and_cancel_apart(new_schema: Any) -> None:
    pool = await new_schema(MIGRATIONS, prefix="bund")
    a = matched(collected(1, seller="seller-a"), {"A": 1})
    b = matched(collected(1, seller="seller-b"), {"A": 1})
    assert a.order.marketplace_order_id == b.order.marketplace_order_id
    async with unit_of_work(pool) as uow:
        await use_cases.handle_events(uow, [a, b], HOLD)
    assert await pool.fetchval("SELECT count(*) FROM bundle_members") == 2  # neither a duplicate
    cancel_a = OrderCancelled(**a.follow_up(), order=a.order, recipient_key=a.recipient_key)
    async with unit_of_work(pool) as uow:
        await use_cases.handle_events(uow, [cancel_a], HOLD)
    async with unit_of_work(pool) as uow:
        assert await use_cases.seal(uow, now=True) == 1
        [event] = uow.emitted
    assert isinstance(event, BundleFormed) and event.seller_id == "seller-b"
    assert [m.order for m in event.members] == [b.order]
