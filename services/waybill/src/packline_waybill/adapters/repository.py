"""SQL for parcels (one row of `waybills` each)."""

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import asyncpg

from packline_contracts import Recipient, StockAllocated, WaybillIssued
from packline_runtime.db import Conn
from packline_waybill.domain.waybill import Method, Waybill, reference


@dataclass
class ParcelRecord:
    """A parcel with what the waybill stage needs to number, export, book or print it."""

    waybill: Waybill
    parcel_no: int
    reference_rev: int
    source: StockAllocated | None  # None for parcels issued before the parcel model
    recipient: Recipient | None
    account_id: int | None
    pre_shipment_push: bool
    issued: WaybillIssued | None
    sorting: dict[str, Any] | None
    exported_at: datetime | None
    export_batch_id: int | None
    booking_error: dict[str, Any] | None
    booking_attempts: int
    # 부분취소 decided at the shipping line since: {order uid: {line id: units}}
    cancelled_units: dict[str, dict[str, int]] = field(default_factory=dict)

    @property
    def reference(self) -> str:
        return reference(self.parcel_no, self.reference_rev)

    @property
    def parcel_id(self) -> uuid.UUID:
        return self.waybill.parcel_id

    @property
    def allocation(self) -> StockAllocated:
        """The StockAllocated the parcel was made from; parcels issued before the parcel model
        (migration 005) have none and are never numbered again."""
        if self.source is None:
            raise ValueError(f"parcel {self.parcel_id} predates parcels and cannot be renumbered")
        return self.source


@dataclass(frozen=True)
class NewParcel:
    waybill: Waybill
    source: StockAllocated
    recipient: Recipient
    account_id: int | None
    pre_shipment_push: bool
    issued: WaybillIssued | None  # set when the number came at once (BAND)
    book_now: bool  # an API parcel: the booker picks it up


COLUMNS = """parcel_id, bundle_id, seller_id, courier_code, tracking_number, members, status,
              voided_at, method, parcel_no, reference_rev, source, recipient, account_id,
              pre_shipment_push, issued, sorting, exported_at, export_batch_id, booking_error,
              booking_attempts, cancelled_units"""


def _members_json(waybill: Waybill) -> str:
    return json.dumps([{"order": uid, "cancelled": c} for uid, c in waybill.cancelled.items()])


def _waybill(row: asyncpg.Record) -> Waybill:
    return Waybill(
        parcel_id=row["parcel_id"],
        bundle_id=row["bundle_id"],
        seller_id=row["seller_id"],
        courier_code=row["courier_code"],
        tracking_number=row["tracking_number"],
        cancelled={m["order"]: m["cancelled"] for m in json.loads(row["members"])},
        status=row["status"],
        voided_at=row["voided_at"],
        method=row["method"],
    )


def _json(value: Any) -> Any:
    return json.loads(value) if value is not None else None


def parcel_record(row: asyncpg.Record) -> ParcelRecord:
    return ParcelRecord(
        waybill=_waybill(row),
        parcel_no=row["parcel_no"],
        reference_rev=row["reference_rev"],
        source=StockAllocated.model_validate_json(row["source"]) if row["source"] else None,
        recipient=Recipient.model_validate_json(row["recipient"]) if row["recipient"] else None,
        account_id=row["account_id"],
        pre_shipment_push=row["pre_shipment_push"],
        issued=WaybillIssued.model_validate_json(row["issued"]) if row["issued"] else None,
        sorting=_json(row["sorting"]),
        exported_at=row["exported_at"],
        export_batch_id=row["export_batch_id"],
        booking_error=_json(row["booking_error"]),
        booking_attempts=row["booking_attempts"],
        cancelled_units=_json(row["cancelled_units"]) or {},
    )


async def bundles_with_parcels(conn: Conn, ids: Sequence[uuid.UUID]) -> set[uuid.UUID]:
    rows = await conn.fetch(
        "SELECT DISTINCT bundle_id FROM waybills WHERE bundle_id = ANY($1::uuid[])", ids
    )
    return {r["bundle_id"] for r in rows}


async def insert_new(conn: Conn, parcels: Sequence[NewParcel]) -> set[uuid.UUID]:
    """Insert parcels not recorded yet; returns the parcel ids actually inserted (another
    replica may have made some meanwhile)."""
    rows = await conn.fetch(
        """
        INSERT INTO waybills (parcel_id, bundle_id, seller_id, courier_code, tracking_number,
                              status, members, order_uids, issued, issued_at, method, issued_via,
                              account_id, pre_shipment_push, source, recipient, next_booking_at)
        SELECT p, b, s, c, t, st, m, ARRAY(SELECT jsonb_array_elements(m) ->> 'order'), i,
               CASE WHEN t IS NULL THEN NULL ELSE now() END, me,
               CASE WHEN t IS NULL THEN NULL ELSE me END, a, pp, src, r,
               CASE WHEN bk THEN now() END
        FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[],
                    $7::jsonb[], $8::jsonb[], $9::text[], $10::bigint[], $11::boolean[],
                    $12::jsonb[], $13::jsonb[], $14::boolean[])
             AS w(p, b, s, c, t, st, m, i, me, a, pp, src, r, bk)
        ON CONFLICT (parcel_id) DO NOTHING
        RETURNING parcel_id
        """,
        [p.waybill.parcel_id for p in parcels],
        [p.waybill.bundle_id for p in parcels],
        [p.waybill.seller_id for p in parcels],
        [p.waybill.courier_code for p in parcels],
        [p.waybill.tracking_number for p in parcels],
        [p.waybill.status for p in parcels],
        [_members_json(p.waybill) for p in parcels],
        [p.issued.model_dump_json() if p.issued else None for p in parcels],
        [p.waybill.method for p in parcels],
        [p.account_id for p in parcels],
        [p.pre_shipment_push for p in parcels],
        [p.source.model_dump_json() for p in parcels],
        [p.recipient.model_dump_json() for p in parcels],
        [p.book_now for p in parcels],
    )
    return {r["parcel_id"] for r in rows}


async def lock_holding(conn: Conn, uids: Sequence[str]) -> list[Waybill]:
    """Parcels with any of these orders, row-locked in a fixed order (no deadlocks)."""
    rows = await conn.fetch(
        f"""
        SELECT {COLUMNS} FROM waybills WHERE order_uids && $1::text[]
        ORDER BY parcel_id
        FOR UPDATE
        """,
        list(uids),
    )
    return [_waybill(r) for r in rows]


async def save_states(conn: Conn, waybills: Sequence[Waybill]) -> None:
    await conn.execute(
        """
        UPDATE waybills SET members = w.m, status = w.s, voided_at = w.v,
               next_booking_at = CASE WHEN w.s = 'VOIDED' THEN NULL ELSE next_booking_at END
        FROM unnest($1::uuid[], $2::jsonb[], $3::text[], $4::timestamptz[]) AS w(p, m, s, v)
        WHERE parcel_id = w.p
        """,
        [w.parcel_id for w in waybills],
        [_members_json(w) for w in waybills],
        [w.status for w in waybills],
        [w.voided_at for w in waybills],
    )


async def lock_parcels(
    conn: Conn, seller_id: str, parcel_ids: Sequence[uuid.UUID]
) -> list[ParcelRecord]:
    rows = await conn.fetch(
        f"""
        SELECT {COLUMNS} FROM waybills
        WHERE seller_id = $1 AND parcel_id = ANY($2::uuid[])
        ORDER BY parcel_id FOR UPDATE
        """,
        seller_id,
        list(parcel_ids),
    )
    return [parcel_record(r) for r in rows]


async def get(conn: Conn, seller_id: str, parcel_id: uuid.UUID) -> ParcelRecord | None:
    row = await conn.fetchrow(
        f"SELECT {COLUMNS} FROM waybills WHERE seller_id = $1 AND parcel_id = $2",
        seller_id,
        parcel_id,
    )
    return parcel_record(row) if row else None


async def awaiting(
    conn: Conn, seller_id: str, method: Method, account_id: int | None, *, lock: bool = False
) -> list[ParcelRecord]:
    """The seller's parcels of one account still waiting for a number, oldest first."""
    rows = await conn.fetch(
        f"""
        SELECT {COLUMNS} FROM waybills
        WHERE seller_id = $1 AND status = 'AWAITING' AND method = $2
          AND account_id IS NOT DISTINCT FROM $3
        ORDER BY parcel_no {"FOR UPDATE" if lock else ""}
        """,
        seller_id,
        method,
        account_id,
    )
    return [parcel_record(r) for r in rows]


async def by_references(conn: Conn, seller_id: str, refs: Sequence[str]) -> list[ParcelRecord]:
    """Parcels by reference (PL00000012 or PL00000012-2); a stale revision still finds its
    parcel, whose current reference tells the caller it was superseded."""
    nos = sorted(
        {int(r[2:10]) for r in refs if len(r) >= 10 and r[:2] == "PL" and r[2:10].isdigit()}
    )
    rows = await conn.fetch(
        f"""
        SELECT {COLUMNS} FROM waybills WHERE seller_id = $1 AND parcel_no = ANY($2::bigint[])
        ORDER BY parcel_no FOR UPDATE
        """,
        seller_id,
        nos,
    )
    return [parcel_record(r) for r in rows]


async def issued_holding(conn: Conn, uids: Sequence[str]) -> list[ParcelRecord]:
    """ISSUED parcels holding any of these orders, with their last WaybillIssued, locked."""
    rows = await conn.fetch(
        f"""
        SELECT {COLUMNS} FROM waybills
        WHERE order_uids && $1::text[] AND status = 'ISSUED' AND issued IS NOT NULL
        ORDER BY parcel_id
        FOR UPDATE
        """,
        list(uids),
    )
    return [parcel_record(r) for r in rows]


async def lock_parcels_any(conn: Conn, parcel_ids: Sequence[uuid.UUID]) -> list[ParcelRecord]:
    rows = await conn.fetch(
        f"""
        SELECT {COLUMNS} FROM waybills WHERE parcel_id = ANY($1::uuid[])
        ORDER BY parcel_id FOR UPDATE
        """,
        list(parcel_ids),
    )
    return [parcel_record(r) for r in rows]


async def number_range(
    conn: Conn, seller_id: str, first: str, last: str, limit: int
) -> list[ParcelRecord]:
    """The seller's issued parcels whose numbers lie in first..last (same length, as text)."""
    rows = await conn.fetch(
        f"""
        SELECT {COLUMNS} FROM waybills
        WHERE seller_id = $1 AND status = 'ISSUED' AND length(tracking_number) = length($2)
          AND tracking_number BETWEEN $2 AND $3
        ORDER BY tracking_number LIMIT $4
        """,
        seller_id,
        first,
        last,
        limit,
    )
    return [parcel_record(r) for r in rows]
