"""SQL for the collector's orders table."""

import json
import uuid
from collections.abc import Sequence
from typing import Any

from packline_collector.domain.orders import line_quantities, recipient_hash
from packline_contracts import OrderCollected, OrderRef
from packline_runtime.db import Conn


async def insert_new(
    conn: Conn,
    events: Sequence[OrderCollected],
    batch_id: uuid.UUID | None,
    account_id: uuid.UUID | None = None,
) -> set[str]:
    """Insert orders not seen before; returns the uids (seller:marketplace:id) inserted."""
    rows = await conn.fetch(
        """
        INSERT INTO orders (marketplace, marketplace_order_id, seller_id, recipient_key, source,
                            batch_id, event_id, paid_at, account_id, recipient_hash,
                            line_quantities)
        SELECT m, o, s, k, src, $6::uuid, e, p, $9::uuid, h, q
        FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $7::uuid[],
                    $8::timestamptz[], $10::text[], $11::jsonb[]) AS t(m, o, s, k, src, e, p, h, q)
        ON CONFLICT (seller_id, marketplace, marketplace_order_id) DO NOTHING
        RETURNING seller_id, marketplace, marketplace_order_id
        """,
        [e.order.marketplace.value for e in events],
        [e.order.marketplace_order_id for e in events],
        [e.seller_id for e in events],
        [e.recipient_key for e in events],
        [e.source for e in events],
        batch_id,
        [e.event_id for e in events],
        [e.paid_at for e in events],
        account_id,
        [recipient_hash(e.seller_id, e.recipient) for e in events],
        [json.dumps(line_quantities(e.lines)) for e in events],
    )
    return {_ref(r).uid for r in rows}


def _ref(row: Any) -> OrderRef:
    return OrderRef(
        seller_id=row["seller_id"],
        marketplace=row["marketplace"],
        marketplace_order_id=row["marketplace_order_id"],
    )


async def lock(conn: Conn, ref: OrderRef) -> dict[str, Any] | None:
    row = await conn.fetchrow(
        """
        SELECT marketplace, marketplace_order_id, seller_id, recipient_key, status, event_id
        FROM orders WHERE seller_id = $3 AND marketplace = $1 AND marketplace_order_id = $2
        FOR UPDATE
        """,
        ref.marketplace.value,
        ref.marketplace_order_id,
        ref.seller_id,
    )
    return dict(row) if row else None


async def set_status(conn: Conn, refs: Sequence[OrderRef], status: str) -> None:
    """`status_at` moves only when the status changes (a replayed event leaves it)."""
    await conn.execute(
        """
        UPDATE orders SET status = $3, updated_at = now(),
               status_at = CASE WHEN status = $3 THEN status_at ELSE now() END
        FROM unnest($1::text[], $2::text[], $4::text[]) AS t(m, o, s)
        WHERE seller_id = t.s AND marketplace = t.m AND marketplace_order_id = t.o
        """,
        [r.marketplace.value for r in refs],
        [r.marketplace_order_id for r in refs],
        status,
        [r.seller_id for r in refs],
    )


async def get(conn: Conn, ref: OrderRef) -> dict[str, Any] | None:
    row = await conn.fetchrow(
        """
        SELECT marketplace, marketplace_order_id, seller_id, source, batch_id, status,
               paid_at, collected_at, updated_at
        FROM orders WHERE seller_id = $3 AND marketplace = $1 AND marketplace_order_id = $2
        """,
        ref.marketplace.value,
        ref.marketplace_order_id,
        ref.seller_id,
    )
    return dict(row) if row else None


async def counts_by_status(conn: Conn, seller_id: str | None) -> dict[str, int]:
    rows = await conn.fetch(
        """
        SELECT status, count(*) AS n FROM orders
        WHERE $1::text IS NULL OR seller_id = $1
        GROUP BY status
        """,
        seller_id,
    )
    return {r["status"]: int(r["n"]) for r in rows}
