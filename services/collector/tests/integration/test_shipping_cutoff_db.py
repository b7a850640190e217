"""출고 마감 per seller on PostgreSQL: the view answers each seller's oldest unshipped order with
the cut-off the seller set (NULL: none), shipped and cancelled orders wait for nothing, and the
overdue gauge's deadline is the earliest of them under each seller's own cut-off."""

import uuid
from datetime import UTC, datetime, time
from typing import Any

import asyncpg

from packline_collector.adapters import overdue_view
from packline_collector.adapters import shipping_cutoffs_repository as cutoffs
from packline_collector.bootstrap import MIGRATIONS
from packline_collector.domain.shipping_cutoff import Waiting
from packline_collector.service_layer import shipping_cutoffs, shipping_overdue
from packline_runtime import metrics

DEFAULT = time(15, 0)
NINE_KST = datetime(2026, 3, 2, 0, 0, tzinfo=UTC)
EIGHT_KST = datetime(2026, 3, 1, 23, 0, tzinfo=UTC)


async def _order(
    pool: asyncpg.Pool, seller: str, collected_at: datetime, status: str = "COLLECTED"
) -> None:
    await pool.execute(
        """
        INSERT INTO orders (marketplace, marketplace_order_id, seller_id, recipient_key, source,
                            status, event_id, paid_at, collected_at)
        VALUES ('OWN_SHOP', $1, $2, 'rk', 'MANUAL', $3, $4, $5, $5)
        """,
        uuid.uuid4().hex[:12],
        seller,
        status,
        uuid.uuid4(),
        collected_at,
    )


async def test_each_sellers_oldest_unshipped_order_comes_with_its_own_cut_off(
    new_schema: Any,
) -> None:
    pool = await new_schema(MIGRATIONS, prefix="cutoff")
    await _order(pool, "early", NINE_KST)
    await _order(pool, "early", EIGHT_KST, status="SHIPPED")  # older, but waits for nothing
    await _order(pool, "early", EIGHT_KST, status="CANCELLED")
    await _order(pool, "plain", EIGHT_KST)
    await _order(pool, "plain", NINE_KST)
    await _order(pool, "done", EIGHT_KST, status="SHIPPED")
    async with pool.acquire() as conn:
        await shipping_cutoffs.change(conn, "early", time(11, 0), "owner@early", DEFAULT)
        await shipping_cutoffs.change(conn, "done", time(9, 0), "owner@done", DEFAULT)
        found = await overdue_view.oldest_unshipped_by_seller(conn)
    assert sorted(found, key=lambda w: w.seller_id) == [
        Waiting("early", NINE_KST, time(11, 0)),
        Waiting("plain", EIGHT_KST, None),
    ]

    # 'plain' (default 15:00) has the older order, but 'early' is due first: 11:00 KST
    sample = shipping_overdue.sampler(shipping_overdue.reader(lambda: pool), DEFAULT)
    await sample()
    due = metrics.DEADLINES[shipping_overdue.LABELS]
    assert due == datetime(2026, 3, 2, 2, 0, tzinfo=UTC)

    # 'early' back to the default: now 'plain''s oldest order (due 15:00 KST) is the earliest
    async with pool.acquire() as conn:
        back = await shipping_cutoffs.change(conn, "early", None, "owner@early", DEFAULT)
        assert (back.cutoff, back.own) == (DEFAULT, False)
        assert await cutoffs.get(conn, "early") is None
    await sample()
    assert metrics.DEADLINES[shipping_overdue.LABELS] == datetime(2026, 3, 2, 6, 0, tzinfo=UTC)

    # nothing waits: nothing is due
    await pool.execute("UPDATE orders SET status = 'SHIPPED'")
    await sample()
    assert metrics.DEADLINES[shipping_overdue.LABELS] is None


async def test_a_sellers_cut_off_is_set_changed_and_recorded_with_who_set_it(
    new_schema: Any,
) -> None:
    pool = await new_schema(MIGRATIONS, prefix="cutoff")
    async with pool.acquire() as conn:
        first = await shipping_cutoffs.read(conn, "s1", DEFAULT)
        assert (first.cutoff, first.own, first.updated_by) == (DEFAULT, False, None)
        await shipping_cutoffs.change(conn, "s1", time(13, 30), "kim", DEFAULT)
        changed = await shipping_cutoffs.change(conn, "s1", time(16, 0), "lee", DEFAULT)
        row = await conn.fetchrow("SELECT * FROM shipping_cutoffs WHERE seller_id = 's1'")
        other = await shipping_cutoffs.read(conn, "s2", DEFAULT)
    assert (changed.cutoff, changed.own, changed.updated_by) == (time(16, 0), True, "lee")
    assert row is not None and (row["cutoff"], row["updated_by"]) == (time(16, 0), "lee")
    assert row["updated_at"].tzinfo is not None
    assert (other.cutoff, other.own) == (DEFAULT, False)
    assert await pool.fetchval("SELECT count(*) FROM shipping_cutoffs") == 1


async def test_the_gauge_query_reads_the_unshipped_index(new_schema: Any) -> None:
    pool = await new_schema(MIGRATIONS, prefix="cutoff")
    indexes = await pool.fetch(
        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'orders'"
    )
    by_name = {r["indexname"]: r["indexdef"] for r in indexes}
    assert "orders_unshipped_collected_at" not in by_name  # 018's, replaced by 019's
    assert (
        "(seller_id, collected_at) WHERE (status = 'COLLECTED'::text)"
        in (by_name["orders_unshipped_seller_collected_at"])
    )
