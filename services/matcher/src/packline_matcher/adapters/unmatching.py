"""SQL for taking matches back: mappings deleted, orders they matched, allocation marks."""

import json
import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from packline_contracts import OrderCollected, SkuLine
from packline_matcher.adapters.repository import MappingKey
from packline_runtime.db import Conn


async def delete_mapping(conn: Conn, key: MappingKey) -> tuple[SkuLine, ...] | None:
    skus = await conn.fetchval(
        """
        DELETE FROM mappings
        WHERE seller_id = $1 AND marketplace = $2 AND listing_id = $3 AND option_id = $4
        RETURNING skus
        """,
        *key,
    )
    if skus is None:
        return None
    return tuple(SkuLine.model_validate(s) for s in json.loads(skus))


async def matched_by(conn: Conn, key: MappingKey) -> list[tuple[OrderCollected, uuid.UUID]]:
    """Orders this mapping matched that are not (known to be) allocated, locked."""
    seller, marketplace, listing, option = key
    rows = await conn.fetch(
        """
        SELECT event, matched_event_id FROM matched_orders
        WHERE seller_id = $1 AND marketplace = $2 AND allocated_at IS NULL
          AND event IS NOT NULL
          AND listings @> jsonb_build_array(jsonb_build_array($3::text, $4::text))
        ORDER BY order_uid
        FOR UPDATE
        """,
        seller,
        marketplace,
        listing,
        option,
    )
    return [(OrderCollected.model_validate_json(r["event"]), r["matched_event_id"]) for r in rows]


async def forget_matched(conn: Conn, uids: Sequence[str]) -> None:
    await conn.execute("DELETE FROM matched_orders WHERE order_uid = ANY($1::text[])", list(uids))


async def mark_allocated(conn: Conn, uids: Sequence[str]) -> None:
    await conn.execute(
        """
        UPDATE matched_orders SET allocated_at = now()
        WHERE order_uid = ANY($1::text[]) AND allocated_at IS NULL
        """,
        list(uids),
    )


async def held_among(conn: Conn, uids: Sequence[str]) -> list[OrderCollected]:
    rows = await conn.fetch(
        "SELECT event FROM held_orders WHERE order_uid = ANY($1::text[]) FOR UPDATE",
        list(uids),
    )
    return [OrderCollected.model_validate_json(r["event"]) for r in rows]


async def record_allocated(conn: Conn, orders: Sequence[OrderCollected]) -> None:
    """Orders allocated before their unmatch reached the allocator: they ship as allocated."""
    await conn.execute(
        """
        INSERT INTO matched_orders (order_uid, seller_id, marketplace, event, allocated_at)
        SELECT *, now() FROM unnest($1::text[], $2::text[], $3::text[], $4::jsonb[])
        ON CONFLICT (order_uid) DO UPDATE SET allocated_at = now()
        """,
        [o.order.uid for o in orders],
        [o.seller_id for o in orders],
        [o.order.marketplace.value for o in orders],
        [o.model_dump_json() for o in orders],
    )


async def list_mappings(
    conn: Conn,
    seller_id: str,
    marketplace: str | None,
    listing_id: str | None,
    sku: str | None,
    limit: int,
    after: tuple[str, str, str] | None = None,
    patterns: list[str] | None = None,
    since: datetime | None = None,
) -> list[dict[str, Any]]:
    """One page of the seller's mappings after `after` (marketplace, listing, option);
    `patterns` (search.patterns) match the listing id, the option id or one of the SKUs,
    `since` keeps mappings made from then on."""
    rows = await conn.fetch(
        """
        SELECT marketplace, listing_id, option_id, skus, created_by, reason, created_at
        FROM mappings
        WHERE seller_id = $1 AND ($2::text IS NULL OR marketplace = $2)
          AND ($3::text IS NULL OR listing_id = $3)
          AND ($4::text IS NULL OR skus @> jsonb_build_array(jsonb_build_object('sku', $4::text)))
          AND ($6::text IS NULL OR (marketplace, listing_id, option_id) > ($6, $7::text, $8::text))
          AND ($9::text[] IS NULL OR listing_id ILIKE ANY($9::text[])
               OR option_id ILIKE ANY($9::text[])
               OR EXISTS (SELECT 1 FROM jsonb_array_elements(skus) s
                          WHERE s->>'sku' ILIKE ANY($9::text[])))
          AND ($10::timestamptz IS NULL OR created_at >= $10)
        ORDER BY marketplace, listing_id, option_id
        LIMIT $5
        """,
        seller_id,
        marketplace,
        listing_id,
        sku,
        limit,
        *(after or (None, None, None)),
        patterns,
        since,
    )
    return [{**dict(r), "skus": json.loads(r["skus"])} for r in rows]
