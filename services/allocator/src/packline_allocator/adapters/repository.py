"""SQL for stock, bundles, their orders and reservations."""

import json
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from packline_allocator.domain.allocation import order_demand
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


async def release(
    conn: Conn, order_uids: Sequence[str], *, leaves_on_hand: bool
) -> list[tuple[str, str]]:
    """Drop the orders' reservations; when their units also left, on-hand goes down as much.
    Returns the (seller, SKU) pairs whose stock moved."""
    rows = await conn.fetch(
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
        RETURNING s.seller_id, s.sku
        """,
        list(order_uids),
        int(leaves_on_hand),
    )
    return [(r["seller_id"], r["sku"]) for r in rows]


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


async def move_stock(conn: Conn, moves: Mapping[StockMove, Sequence[str]]) -> list[tuple[str, str]]:
    """Release the reservations the domain decided to release (order uids per movement);
    returns the (seller, SKU) pairs whose stock moved."""
    moved: list[tuple[str, str]] = []
    for move, uids in sorted(moves.items(), key=lambda item: item[0].name):
        if uids and move.releases_reservation:
            moved += await release(conn, uids, leaves_on_hand=move.leaves_on_hand)
    return moved


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
