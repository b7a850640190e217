"""SQL for stock, bundles, their orders and reservations."""

import json
import uuid
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import asyncpg

from packline_allocator.domain.allocation import WaitingBundle, order_demand
from packline_allocator.domain.order_stock import (
    BundleOrder,
    BundleStatus,
    OrderStatus,
    StockMove,
    settled,
)
from packline_contracts import BundleFormed
from packline_runtime import search
from packline_runtime.db import Conn


async def lock_sellers(conn: Conn, sellers: Iterable[str]) -> None:
    """Allocation, stock changes and releases of one seller run one at a time, across replicas."""
    for seller in sorted(set(sellers)):
        await conn.execute(
            "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", f"alloc:{seller}"
        )


async def insert_bundles(conn: Conn, bundles: Sequence[BundleFormed], cancelled: set[str]) -> None:
    fresh = await conn.fetch(
        """
        INSERT INTO bundles (bundle_id, seller_id, paid_at, event)
        SELECT * FROM unnest($1::uuid[], $2::text[], $3::timestamptz[], $4::jsonb[])
        ON CONFLICT (bundle_id) DO NOTHING RETURNING bundle_id
        """,
        [b.bundle_id for b in bundles],
        [b.seller_id for b in bundles],
        [b.paid_at for b in bundles],
        [b.model_dump_json() for b in bundles],
    )
    new_ids = {r["bundle_id"] for r in fresh}
    rows = [
        (
            m.order.uid,
            b.bundle_id,
            json.dumps(order_demand(m)),
            "CANCELLED" if m.order.uid in cancelled else "LIVE",
        )
        for b in bundles
        if b.bundle_id in new_ids
        for m in b.members
    ]
    await conn.executemany(
        """
        INSERT INTO bundle_orders (order_uid, bundle_id, sku_lines, status)
        VALUES ($1, $2, $3::jsonb, $4) ON CONFLICT (order_uid) DO NOTHING
        """,
        rows,
    )


async def waiting(conn: Conn, seller_id: str) -> list[WaitingBundle]:
    rows = await conn.fetch(
        """
        SELECT b.bundle_id, o.sku_lines FROM bundles b
        JOIN bundle_orders o ON o.bundle_id = b.bundle_id AND o.status = 'LIVE'
        WHERE b.seller_id = $1 AND b.status = 'WAITING'
        ORDER BY b.paid_at, b.bundle_id
        """,
        seller_id,
    )
    demand: dict[uuid.UUID, Counter[str]] = {}
    for r in rows:
        demand.setdefault(r["bundle_id"], Counter()).update(json.loads(r["sku_lines"]))
    return [WaitingBundle(bundle_id, dict(need)) for bundle_id, need in demand.items()]


async def available(conn: Conn, seller_id: str, skus: Iterable[str]) -> dict[str, int]:
    rows = await conn.fetch(
        """
        SELECT sku, on_hand - allocated AS available FROM stock
        WHERE seller_id = $1 AND sku = ANY($2::text[]) ORDER BY sku FOR UPDATE
        """,
        seller_id,
        sorted(set(skus)),
    )
    return {r["sku"]: int(r["available"]) for r in rows}


async def reserve(conn: Conn, seller_id: str, bundle_ids: Sequence[uuid.UUID]) -> None:
    """Reserve each live order's SKU lines and count them as allocated stock."""
    await conn.execute(
        """
        INSERT INTO reservations (order_uid, seller_id, sku, quantity)
        SELECT o.order_uid, $1, kv.key, kv.value::int
        FROM bundle_orders o, jsonb_each_text(o.sku_lines) AS kv
        WHERE o.bundle_id = ANY($2::uuid[]) AND o.status = 'LIVE'
        """,
        seller_id,
        list(bundle_ids),
    )
    await conn.execute(
        """
        UPDATE stock s SET allocated = s.allocated + r.quantity, updated_at = now()
        FROM (SELECT r.sku, sum(r.quantity)::int AS quantity FROM reservations r
              JOIN bundle_orders o USING (order_uid)
              WHERE o.bundle_id = ANY($2::uuid[]) GROUP BY r.sku) r
        WHERE s.seller_id = $1 AND s.sku = r.sku
        """,
        seller_id,
        list(bundle_ids),
    )
    await conn.execute(
        """
        WITH allocated AS (
            UPDATE bundles SET status = 'ALLOCATED', allocated_at = now()
            WHERE bundle_id = ANY($1::uuid[]) AND status = 'WAITING' RETURNING bundle_id
        )
        UPDATE bundle_orders o SET allocated_at = now()
        FROM allocated a WHERE o.bundle_id = a.bundle_id AND o.status = 'LIVE'
        """,
        list(bundle_ids),
    )


async def release(conn: Conn, order_uids: Sequence[str], *, leaves_on_hand: bool) -> None:
    """Drop the orders' reservations; when their units also left, on-hand goes down as much."""
    await conn.execute(
        """
        WITH gone AS (
            DELETE FROM reservations WHERE order_uid = ANY($1::text[])
            RETURNING seller_id, sku, quantity
        ), per_sku AS (
            SELECT seller_id, sku, sum(quantity)::int AS quantity FROM gone GROUP BY seller_id, sku
        )
        UPDATE stock s
        SET allocated = s.allocated - p.quantity,
            on_hand = s.on_hand - p.quantity * $2::int,
            updated_at = now()
        FROM per_sku p WHERE s.seller_id = p.seller_id AND s.sku = p.sku
        """,
        list(order_uids),
        int(leaves_on_hand),
    )


async def take_out(conn: Conn, seller_id: str, units: Mapping[str, int]) -> None:
    """Units that left the building (a parcel's contents), per SKU, off on-hand."""
    await conn.execute(
        """
        UPDATE stock s SET on_hand = s.on_hand - t.q, updated_at = now()
        FROM unnest($2::text[], $3::int[]) AS t(k, q)
        WHERE s.seller_id = $1 AND s.sku = t.k
        """,
        seller_id,
        list(units),
        list(units.values()),
    )


async def move_stock(conn: Conn, moves: Mapping[StockMove, Sequence[str]]) -> None:
    """Release the reservations the domain decided to release (order uids per movement)."""
    for move, uids in sorted(moves.items(), key=lambda item: item[0].name):
        if uids and move.releases_reservation:
            await release(conn, uids, leaves_on_hand=move.leaves_on_hand)


async def lock_orders(conn: Conn, order_uids: Sequence[str]) -> list[BundleOrder]:
    """The orders and their bundles, row-locked in bundle order, with whether each holds stock."""
    rows = await conn.fetch(
        """
        SELECT o.order_uid, o.bundle_id, o.status, b.status AS bundle_status,
               EXISTS (SELECT 1 FROM reservations r WHERE r.order_uid = o.order_uid) AS reserved
        FROM bundle_orders o JOIN bundles b USING (bundle_id)
        WHERE o.order_uid = ANY($1::text[])
        ORDER BY b.bundle_id, o.order_uid FOR UPDATE OF o, b
        """,
        list(order_uids),
    )
    return [
        BundleOrder(
            order_uid=r["order_uid"],
            bundle_id=r["bundle_id"],
            status=OrderStatus(r["status"]),
            bundle_status=BundleStatus(r["bundle_status"]),
            reserved=r["reserved"],
        )
        for r in rows
    ]


async def save_order_statuses(conn: Conn, orders: Sequence[BundleOrder]) -> None:
    await conn.execute(
        """
        UPDATE bundle_orders o SET status = t.s
        FROM unnest($1::text[], $2::text[]) AS t(u, s)
        WHERE o.order_uid = t.u AND o.status <> t.s
        """,
        [o.order_uid for o in orders],
        [o.status.value for o in orders],
    )


async def settle_bundles(conn: Conn, bundle_ids: Sequence[uuid.UUID]) -> None:
    """Bundles whose orders are all finished get their end status (domain: `settled`)."""
    rows = await conn.fetch(
        """
        SELECT bundle_id, array_agg(status) AS statuses FROM bundle_orders
        WHERE bundle_id = ANY($1::uuid[]) GROUP BY bundle_id
        """,
        list(bundle_ids),
    )
    ends = {
        r["bundle_id"]: end
        for r in rows
        if (end := settled(OrderStatus(s) for s in r["statuses"])) is not None
    }
    if ends:
        await conn.execute(
            """
            UPDATE bundles b SET status = t.s
            FROM unnest($1::uuid[], $2::text[]) AS t(id, s) WHERE b.bundle_id = t.id
            """,
            list(ends),
            [end.value for end in ends.values()],
        )


async def bundle_events(
    conn: Conn, bundle_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, tuple[BundleFormed, set[str]]]:
    rows = await conn.fetch(
        """
        SELECT b.bundle_id, b.event, array_agg(o.order_uid) FILTER (WHERE o.status = 'LIVE') AS live
        FROM bundles b JOIN bundle_orders o USING (bundle_id)
        WHERE b.bundle_id = ANY($1::uuid[]) GROUP BY b.bundle_id, b.event
        """,
        list(bundle_ids),
    )
    return {
        r["bundle_id"]: (BundleFormed.model_validate_json(r["event"]), set(r["live"] or []))
        for r in rows
    }


class StockBelowReserved(ValueError):
    pass


async def set_on_hand(conn: Conn, seller_id: str, levels: Mapping[str, int]) -> None:
    try:
        await conn.execute(
            """
            INSERT INTO stock (seller_id, sku, on_hand)
            SELECT $1, * FROM unnest($2::text[], $3::int[])
            ON CONFLICT (seller_id, sku) DO UPDATE SET on_hand = EXCLUDED.on_hand, updated_at = now()
            """,
            seller_id,
            list(levels),
            list(levels.values()),
        )
    except asyncpg.CheckViolationError as exc:
        raise StockBelowReserved(
            "on-hand cannot go below the quantity already reserved for allocated bundles"
        ) from exc


async def stock_levels(
    conn: Conn, seller_id: str, limit: int = 1000, offset: int = 0, q: str | None = None
) -> list[dict[str, Any]]:
    """The seller's stock rows by SKU; `q`: only SKUs containing one of its terms."""
    rows = await conn.fetch(
        f"""
        SELECT sku, on_hand, allocated, on_hand - allocated AS available, updated_at
        FROM stock WHERE seller_id = $1 AND {search.matching(4, "sku")}
        ORDER BY sku LIMIT $2 OFFSET $3
        """,
        seller_id,
        limit,
        offset,
        search.patterns(q),
    )
    return [dict(r) for r in rows]
