"""SQL for re-collection and registration bookkeeping: locking known orders, recipient changes,
matched marks, orders needing a person (확인 필요) and marking them handled (확인 완료), today's
counts, Excel batches."""

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from packline_collector.domain.attention import AttentionState
from packline_contracts import OrderRef
from packline_runtime import search
from packline_runtime.db import Conn


async def lock_many(conn: Conn, refs: Sequence[OrderRef]) -> dict[str, dict[str, Any]]:
    rows = await conn.fetch(
        """
        SELECT o.marketplace, o.marketplace_order_id, o.seller_id, o.recipient_key, o.status,
               o.event_id, o.recipient_hash, o.line_quantities::text AS line_quantities,
               o.cancelled_quantities::text AS cancelled_quantities,
               o.matched_at, o.source
        FROM orders o
        JOIN unnest($1::text[], $2::text[], $3::text[]) AS t(m, i, s)
          ON o.seller_id = t.s AND o.marketplace = t.m AND o.marketplace_order_id = t.i
        ORDER BY o.seller_id, o.marketplace, o.marketplace_order_id
        FOR UPDATE OF o
        """,
        *_columns(refs),
    )
    return {_uid(r): dict(r) for r in rows}


def _columns(refs: Sequence[OrderRef]) -> tuple[list[str], list[str], list[str]]:
    """The refs as three arrays for unnest: marketplaces, marketplace order ids, sellers."""
    return (
        [r.marketplace.value for r in refs],
        [r.marketplace_order_id for r in refs],
        [r.seller_id for r in refs],
    )


def _uid(row: Any) -> str:
    return OrderRef(
        seller_id=row["seller_id"],
        marketplace=row["marketplace"],
        marketplace_order_id=row["marketplace_order_id"],
    ).uid


async def set_recipient_hashes(conn: Conn, refs: Sequence[OrderRef], hashes: Sequence[str]) -> None:
    await conn.execute(
        """
        UPDATE orders SET recipient_hash = t.h, updated_at = now()
        FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS t(m, i, s, h)
        WHERE seller_id = t.s AND marketplace = t.m AND marketplace_order_id = t.i
        """,
        *_columns(refs),
        list(hashes),
    )


async def note_matched(conn: Conn, refs: Sequence[OrderRef]) -> None:
    await conn.execute(
        """
        UPDATE orders SET matched_at = coalesce(matched_at, now())
        FROM unnest($1::text[], $2::text[], $3::text[]) AS t(m, i, s)
        WHERE seller_id = t.s AND marketplace = t.m AND marketplace_order_id = t.i
        """,
        *_columns(refs),
    )


async def add_attention(conn: Conn, rows: Sequence[tuple[OrderRef, str, str]]) -> int:
    """(order, kind, detail) rows; a finding already recorded is not added again, open or
    resolved (a marketplace that keeps showing a handled cancellation does not reopen it)."""
    if not rows:
        return 0
    inserted = await conn.fetch(
        """
        INSERT INTO order_attention (marketplace, marketplace_order_id, seller_id, kind, detail)
        SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[])
        ON CONFLICT DO NOTHING
        RETURNING 1
        """,
        [r[0].marketplace.value for r in rows],
        [r[0].marketplace_order_id for r in rows],
        [r[0].seller_id for r in rows],
        [r[1] for r in rows],
        [r[2] for r in rows],
    )
    return len(inserted)


ATTENTION_COLUMNS = """attention_id, seller_id, marketplace, marketplace_order_id, kind, detail,
                       detected_at, resolved_at, resolved_by, note"""


async def attention(
    conn: Conn,
    seller_id: str,
    limit: int = 500,
    offset: int = 0,
    q: str | None = None,
    since: datetime | None = None,
    state: AttentionState = "OPEN",
) -> list[dict[str, Any]]:
    """The seller's items in `state` (OPEN: not yet marked handled), newest first. `q`
    searches the marketplace order id and the detail; `since` keeps those detected from then
    on."""
    rows = await conn.fetch(
        f"""
        SELECT {ATTENTION_COLUMNS}
        FROM order_attention
        WHERE seller_id = $1 AND {search.matching(4, "marketplace_order_id", "detail")}
          AND ($5::timestamptz IS NULL OR detected_at >= $5)
          AND ($6::text = 'ALL' OR ($6::text = 'OPEN') = (resolved_at IS NULL))
        ORDER BY detected_at DESC, attention_id DESC
        LIMIT $2 OFFSET $3
        """,
        seller_id,
        limit,
        offset,
        search.patterns(q),
        since,
        state,
    )
    return [_attention_item(r) for r in rows]


def _attention_item(row: Any) -> dict[str, Any]:
    return {
        "attention_id": row["attention_id"],
        "order": _uid(row),
        "kind": row["kind"],
        "detail": row["detail"],
        "detected_at": row["detected_at"],
        "resolved_at": row["resolved_at"],
        "resolved_by": row["resolved_by"],
        "note": row["note"],
    }


async def resolve_attention(
    conn: Conn, seller_id: str, attention_id: int, by: str, note: str | None
) -> dict[str, Any] | None:
    """Marks the seller's open item handled now; None when it is not the seller's, does not
    exist, or was resolved before (the row lock makes a second, concurrent call wait and then
    find it resolved)."""
    row = await conn.fetchrow(
        f"""
        UPDATE order_attention SET resolved_at = now(), resolved_by = $3, note = $4
        WHERE attention_id = $1 AND seller_id = $2 AND resolved_at IS NULL
        RETURNING {ATTENTION_COLUMNS}
        """,
        attention_id,
        seller_id,
        by,
        note,
    )
    return None if row is None else _attention_item(row)


async def attention_item(conn: Conn, seller_id: str, attention_id: int) -> dict[str, Any] | None:
    row = await conn.fetchrow(
        f"""
        SELECT {ATTENTION_COLUMNS} FROM order_attention
        WHERE attention_id = $1 AND seller_id = $2
        """,
        attention_id,
        seller_id,
    )
    return None if row is None else _attention_item(row)


async def open_attention(conn: Conn, seller_id: str | None) -> int:
    """Items not yet marked handled: one seller's, or (None) every seller's."""
    found = await conn.fetchval(
        """
        SELECT count(*) FROM order_attention
        WHERE ($1::text IS NULL OR seller_id = $1) AND resolved_at IS NULL
        """,
        seller_id,
    )
    return int(found or 0)


async def registered_since(conn: Conn, seller_id: str, since: datetime) -> list[dict[str, Any]]:
    rows = await conn.fetch(
        """
        SELECT marketplace, source, count(*) AS orders FROM orders
        WHERE seller_id = $1 AND collected_at >= $2 AND status <> 'DELETED'
        GROUP BY marketplace, source ORDER BY marketplace, source
        """,
        seller_id,
        since,
    )
    return [{**dict(r), "orders": int(r["orders"])} for r in rows]


async def lock_batch(conn: Conn, batch_id: UUID, seller_id: str) -> list[dict[str, Any]]:
    """The seller's orders of one uploaded batch, locked; none for another seller's batch."""
    rows = await conn.fetch(
        """
        SELECT marketplace, marketplace_order_id, seller_id, recipient_key, status, event_id,
               matched_at
        FROM orders WHERE batch_id = $1 AND seller_id = $2
        ORDER BY seller_id, marketplace, marketplace_order_id
        FOR UPDATE
        """,
        batch_id,
        seller_id,
    )
    return [dict(r) for r in rows]
