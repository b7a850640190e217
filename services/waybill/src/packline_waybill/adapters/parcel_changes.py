"""SQL that changes a parcel: its number set or replaced (a replaced number is kept for ever so it
is never used again), the recipient its label must name, its sorting codes, its export mark."""

import json
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from packline_contracts import Recipient, WaybillIssued
from packline_runtime.db import Conn
from packline_waybill.adapters.repository import ParcelRecord
from packline_waybill.domain.waybill import Method


@dataclass(frozen=True)
class Numbered:
    parcel_id: uuid.UUID
    tracking_number: str
    via: Method
    issued: WaybillIssued
    sorting: Mapping[str, Any] | None = None


async def set_numbers(conn: Conn, numbered: Sequence[Numbered]) -> None:
    """AWAITING parcels get their numbers (one statement for the batch)."""
    await conn.execute(
        """
        UPDATE waybills SET tracking_number = n.t, status = 'ISSUED', issued_via = n.v,
               issued = n.i, issued_at = now(), recipient = n.i -> 'recipient',
               sorting = coalesce(n.so, sorting), next_booking_at = NULL, booking_error = NULL
        FROM unnest($1::uuid[], $2::text[], $3::text[], $4::jsonb[], $5::jsonb[])
             AS n(p, t, v, i, so)
        WHERE parcel_id = n.p AND status = 'AWAITING'
        """,
        [n.parcel_id for n in numbered],
        [n.tracking_number for n in numbered],
        [n.via for n in numbered],
        [n.issued.model_dump_json() for n in numbered],
        [json.dumps(dict(n.sorting)) if n.sorting else None for n in numbered],
    )


async def numbers_in_use(conn: Conn, numbers: Sequence[str]) -> dict[str, str]:
    """Which of these numbers some parcel has or had (replaced numbers are never reused):
    number -> what holds it (a parcel reference, or "replaced")."""
    rows = await conn.fetch(
        """
        SELECT tracking_number AS n, 'PL' || lpad(parcel_no::text, 8, '0') AS holder
        FROM waybills WHERE tracking_number = ANY($1::text[])
        UNION ALL
        SELECT tracking_number, 'replaced' FROM replaced_numbers
        WHERE tracking_number = ANY($1::text[])
        """,
        list(numbers),
    )
    return {r["n"]: r["holder"] for r in rows}


async def replace_number(
    conn: Conn,
    parcel_id: uuid.UUID,
    issued: WaybillIssued,
    reason: str,
    decided_by: str | None,
) -> str:
    """The parcel takes a new number and label; returns the number replaced, kept for ever in
    replaced_numbers so it is never used again."""
    old: str = await conn.fetchval(
        """
        UPDATE waybills w SET tracking_number = $2, issued = $3::jsonb, issued_at = now(),
               recipient = $3::jsonb -> 'recipient', issued_via = $4
        FROM (SELECT tracking_number FROM waybills WHERE parcel_id = $1) AS o
        WHERE w.parcel_id = $1
        RETURNING o.tracking_number
        """,
        parcel_id,
        issued.tracking_number,
        issued.model_dump_json(),
        issued.issued_via,
    )
    await conn.execute(
        """
        INSERT INTO replaced_numbers (tracking_number, bundle_id, parcel_id, replaced_by, reason,
                                      decided_by)
        VALUES ($1, $2, $3, $4, $5, $6)
        """,
        old,
        issued.bundle_id,
        parcel_id,
        issued.tracking_number,
        reason,
        decided_by,
    )
    return old


async def back_to_awaiting(conn: Conn, parcel_id: uuid.UUID, reason: str, by: str | None) -> str:
    """An issued FILE/API parcel whose label is stale waits for a new number under a new
    reference revision; its old number goes to replaced_numbers. Returns the old number."""
    old: str = await conn.fetchval(
        """
        UPDATE waybills w SET tracking_number = NULL, status = 'AWAITING', issued_at = NULL,
               reference_rev = reference_rev + 1, exported_at = NULL, export_batch_id = NULL,
               sorting = NULL, booking_attempts = 0,
               next_booking_at = CASE WHEN method = 'API' THEN now() END
        FROM (SELECT tracking_number FROM waybills WHERE parcel_id = $1) AS o
        WHERE w.parcel_id = $1
        RETURNING o.tracking_number
        """,
        parcel_id,
    )
    await conn.execute(
        """
        INSERT INTO replaced_numbers (tracking_number, bundle_id, parcel_id, replaced_by, reason,
                                      decided_by)
        SELECT $1, bundle_id, parcel_id, '', $2, $3 FROM waybills WHERE parcel_id = $4
        """,
        old,
        reason,
        by,
        parcel_id,
    )
    return old


async def record_unused_number(conn: Conn, parcel: ParcelRecord, number: str) -> None:
    """A number the courier gave a parcel that no longer wanted it: never to be used again."""
    await conn.execute(
        """
        INSERT INTO replaced_numbers (tracking_number, bundle_id, parcel_id, replaced_by, reason)
        VALUES ($1, $2, $3, '', 'BOOKED_AFTER_CANCEL_OR_CHANGE')
        ON CONFLICT (tracking_number) DO NOTHING
        """,
        number,
        parcel.waybill.bundle_id,
        parcel.parcel_id,
    )


async def mark_exported(conn: Conn, parcel_ids: Sequence[uuid.UUID], batch_id: int) -> None:
    await conn.execute(
        """
        UPDATE waybills SET export_batch_id = $2, exported_at = now()
        WHERE parcel_id = ANY($1::uuid[])
        """,
        list(parcel_ids),
        batch_id,
    )


async def set_sorting(conn: Conn, sorting: Mapping[uuid.UUID, Mapping[str, Any]]) -> None:
    await conn.execute(
        """
        UPDATE waybills SET sorting = s.so
        FROM unnest($1::uuid[], $2::jsonb[]) AS s(p, so) WHERE parcel_id = s.p
        """,
        list(sorting),
        [json.dumps(dict(v)) for v in sorting.values()],
    )


async def set_recipient(conn: Conn, parcel_id: uuid.UUID, recipient: Recipient) -> None:
    await conn.execute(
        "UPDATE waybills SET recipient = $2::jsonb WHERE parcel_id = $1",
        parcel_id,
        recipient.model_dump_json(),
    )
