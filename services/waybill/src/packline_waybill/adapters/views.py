"""Read-only SQL behind the waybill HTTP views."""

import json
from datetime import datetime
from typing import Any

from packline_runtime import search
from packline_runtime.db import Conn

_REFERENCE = """'PL' || lpad(parcel_no::text, 8, '0')
              || CASE WHEN reference_rev > 1 THEN '-' || reference_rev ELSE '' END"""
_SUMMARY = f"""parcel_id, bundle_id, seller_id, courier_code, tracking_number, status, method,
              issued_via, account_id, {_REFERENCE} AS reference,
              created_at, issued_at, voided_at, exported_at, export_batch_id,
              booking_error, booking_attempts"""
# the marketplace order id in an order uid `seller:MARKETPLACE:id` (no marketplace's name holds
# a colon; an id may)
_REST = "substr(u.uid, length(seller_id) + 2)"
_ORDER_ID = f"substr({_REST}, strpos({_REST}, ':') + 1)"


def _summary(row: Any) -> dict[str, Any]:
    out = dict(row)
    if out.get("booking_error") is not None:
        out["booking_error"] = json.loads(out["booking_error"])
    return out


async def get(conn: Conn, seller_id: str, tracking_number: str) -> dict[str, Any] | None:
    """The seller's waybill with this number; another seller's is not found."""
    row = await conn.fetchrow(
        f"SELECT {_SUMMARY}, members FROM waybills WHERE seller_id = $1 AND tracking_number = $2",
        seller_id,
        tracking_number,
    )
    return {**_summary(row), "members": json.loads(row["members"])} if row else None


async def get_parcel(conn: Conn, seller_id: str, parcel_id: Any) -> dict[str, Any] | None:
    row = await conn.fetchrow(
        f"SELECT {_SUMMARY}, members FROM waybills WHERE seller_id = $1 AND parcel_id = $2",
        seller_id,
        parcel_id,
    )
    return {**_summary(row), "members": json.loads(row["members"])} if row else None


async def list_by_status(
    conn: Conn,
    seller_id: str,
    status: str,
    limit: int,
    offset: int = 0,
    q: str | None = None,
    since: datetime | None = None,
) -> list[dict[str, Any]]:
    """`q`: a term in the tracking number, the parcel's id or reference (고객주문번호), or an
    order id of its orders (no recipient data is searched); `since`: created from then on."""
    rows = await conn.fetch(
        f"""
        SELECT {_SUMMARY} FROM waybills
        WHERE seller_id = $4 AND status = $1
          AND ($6::timestamptz IS NULL OR created_at >= $6)
          AND ({search.matching(5, "tracking_number", "parcel_id::text", _REFERENCE)}
               OR EXISTS (SELECT 1 FROM unnest(order_uids) AS u(uid)
                          WHERE {_ORDER_ID} ILIKE ANY($5::text[])))
        ORDER BY created_at DESC, parcel_no DESC LIMIT $2 OFFSET $3
        """,
        status,
        limit,
        offset,
        seller_id,
        search.patterns(q),
        since,
    )
    return [_summary(r) for r in rows]


async def counts_by_status(conn: Conn, seller_id: str | None) -> dict[str, int]:
    """Parcels per status: of one seller, or of all (None: the platform's view)."""
    rows = await conn.fetch(
        "SELECT status, count(*) AS n FROM waybills WHERE ($1::text IS NULL OR seller_id = $1) "
        "GROUP BY status",
        seller_id,
    )
    return {"issued": 0, "voided": 0, "awaiting": 0} | {
        r["status"].lower(): int(r["n"]) for r in rows
    }


async def counts_by_way(conn: Conn, seller_id: str | None) -> dict[str, int]:
    rows = await conn.fetch(
        "SELECT issued_via, count(*) AS n FROM waybills WHERE issued_via IS NOT NULL "
        "AND ($1::text IS NULL OR seller_id = $1) GROUP BY issued_via",
        seller_id,
    )
    return {r["issued_via"].lower(): int(r["n"]) for r in rows}


async def export_batches(
    conn: Conn, seller_id: str, limit: int, offset: int
) -> list[dict[str, Any]]:
    rows = await conn.fetch(
        """
        SELECT id, courier_code, template_key, file_format, encoding, password_protected,
               filename, cardinality(parcel_ids) AS parcels, created_by, created_at
        FROM export_batches WHERE seller_id = $1
        ORDER BY id DESC LIMIT $2 OFFSET $3
        """,
        seller_id,
        limit,
        offset,
    )
    return [dict(r) for r in rows]


async def flow(
    conn: Conn, seller_id: str | None, since: datetime
) -> tuple[dict[str, int], dict[str, datetime | None]]:
    """Numbers issued from `since` on (a parcel's number replaced since counts once, voided or
    not) and when the oldest parcel still awaiting its number was made: of one seller, or of
    all (None)."""
    row = await conn.fetchrow(
        """
        SELECT (SELECT count(*) FROM waybills
                WHERE status IN ('ISSUED', 'VOIDED') AND issued_at >= $2
                  AND ($1::text IS NULL OR seller_id = $1)) AS issued,
               (SELECT min(created_at) FROM waybills
                WHERE status = 'AWAITING' AND ($1::text IS NULL OR seller_id = $1)) AS awaiting
        """,
        seller_id,
        since,
    )
    assert row is not None
    return {"issued": int(row["issued"])}, {"awaiting": row["awaiting"]}
