"""Read-only SQL behind the console's 할당 list (`GET /bundles`): a seller's bundles, filtered
and paged in SQL, and what the bundles of one page need per SKU against stock, in one query."""

import json
import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from packline_allocator.domain.waiting import SkuNeed
from packline_runtime import search
from packline_runtime.db import Conn


@dataclass(frozen=True)
class OrderInBundle:
    uid: str
    marketplace: str
    marketplace_order_id: str
    status: str


@dataclass(frozen=True)
class BundleRow:
    bundle_id: uuid.UUID
    status: str
    paid_at: datetime
    received_at: datetime
    allocated_at: datetime | None
    orders: list[OrderInBundle]


def _order_id(uid: str, seller: str) -> str:
    """SQL for the marketplace order id in an order uid `seller:MARKETPLACE:id` (a marketplace's
    name holds no colon; an id may)."""
    rest = f"substr({uid}, length({seller}) + 2)"
    return f"substr({rest}, strpos({rest}, ':') + 1)"


def _order(uid: str, seller_id: str, status: str) -> OrderInBundle:
    marketplace, _, order_id = uid[len(seller_id) + 1 :].partition(":")
    return OrderInBundle(uid, marketplace, order_id, status)


async def page(
    conn: Conn,
    seller_id: str,
    status: str,
    q: str | None,
    since: datetime | None,
    limit: int,
    offset: int,
) -> list[BundleRow]:
    """The seller's bundles in this status, in allocation order (paid_at); `q`: a bundle id,
    an order id of its orders or a SKU they need contains a term; `since`: arrived from then."""
    rows = await conn.fetch(
        f"""
        SELECT b.bundle_id, b.status, b.paid_at, b.received_at, b.allocated_at,
               (SELECT coalesce(jsonb_agg(jsonb_build_array(o.order_uid, o.status)
                                          ORDER BY o.order_uid), '[]')
                FROM bundle_orders o WHERE o.bundle_id = b.bundle_id) AS orders
        FROM bundles b
        WHERE b.seller_id = $1 AND b.status = $2
          AND ($3::timestamptz IS NULL OR b.received_at >= $3)
          AND ($4::text[] IS NULL OR b.bundle_id::text ILIKE ANY($4::text[]) OR EXISTS (
                SELECT 1 FROM bundle_orders o
                LEFT JOIN LATERAL jsonb_object_keys(o.sku_lines) AS k(sku) ON true
                WHERE o.bundle_id = b.bundle_id
                  AND ({_order_id("o.order_uid", "b.seller_id")} ILIKE ANY($4::text[])
                       OR k.sku ILIKE ANY($4::text[]))))
        ORDER BY b.paid_at, b.bundle_id LIMIT $5 OFFSET $6
        """,
        seller_id,
        status,
        since,
        search.patterns(q),
        limit,
        offset,
    )
    return [
        BundleRow(
            bundle_id=r["bundle_id"],
            status=r["status"],
            paid_at=r["paid_at"],
            received_at=r["received_at"],
            allocated_at=r["allocated_at"],
            orders=[_order(uid, seller_id, s) for uid, s in json.loads(r["orders"])],
        )
        for r in rows
    ]


async def needs(
    conn: Conn, seller_id: str, bundle_ids: list[uuid.UUID]
) -> dict[uuid.UUID, list[SkuNeed]]:
    """Per bundle, per SKU: the units its live orders need and the seller's stock of the SKU now
    (no stock row: on_hand None). One query for a whole page."""
    rows = await conn.fetch(
        """
        SELECT o.bundle_id, k.sku, sum(k.quantity::int)::int AS needed, s.on_hand, s.allocated,
               s.safety
        FROM bundle_orders o
        CROSS JOIN LATERAL jsonb_each_text(o.sku_lines) AS k(sku, quantity)
        LEFT JOIN stock s ON s.seller_id = $1 AND s.sku = k.sku
        WHERE o.bundle_id = ANY($2::uuid[]) AND o.status = 'LIVE'
        GROUP BY o.bundle_id, k.sku, s.on_hand, s.allocated, s.safety
        ORDER BY o.bundle_id, k.sku
        """,
        seller_id,
        bundle_ids,
    )
    found: dict[uuid.UUID, list[SkuNeed]] = defaultdict(list)
    for r in rows:
        found[r["bundle_id"]].append(
            SkuNeed(r["sku"], r["needed"], r["on_hand"], r["allocated"] or 0, r["safety"] or 0)
        )
    return found
