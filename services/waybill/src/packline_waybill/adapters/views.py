"""Read-only SQL behind the waybill HTTP views."""

import json
from typing import Any

from packline_runtime.db import Conn

_SUMMARY = """parcel_id, bundle_id, seller_id, courier_code, tracking_number, status, method,
              issued_via, account_id, 'PL' || lpad(parcel_no::text, 8, '0')
              || CASE WHEN reference_rev > 1 THEN '-' || reference_rev ELSE '' END AS reference,
              created_at, issued_at, voided_at, exported_at, export_batch_id,
              booking_error, booking_attempts"""


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
    conn: Conn, seller_id: str, status: str, limit: int, offset: int = 0
) -> list[dict[str, Any]]:
    rows = await conn.fetch(
        f"""
        SELECT {_SUMMARY} FROM waybills
        WHERE seller_id = $4 AND status = $1
        ORDER BY created_at DESC, parcel_no DESC LIMIT $2 OFFSET $3
        """,
        status,
        limit,
        offset,
        seller_id,
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
