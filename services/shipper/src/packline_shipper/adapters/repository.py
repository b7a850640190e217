"""SQL for parcels."""

import json
import uuid
from collections.abc import Sequence

import asyncpg

from packline_contracts import MatchedLine, OrderRef, Recipient
from packline_runtime.db import Conn
from packline_shipper.domain.parcel import Parcel, ParcelMember

_PARCEL_COLUMNS = """tracking_number, bundle_id, parcel_id, courier_code, seller_id, correlation_id,
                     causation_id, members, status, shipped_at, shipped_by, recipient"""


def _members_json(parcel: Parcel) -> str:
    return json.dumps(
        [
            {
                "uid": m.order.uid,
                "order": m.order.model_dump(mode="json"),
                "line_ids": list(m.line_ids),
                "matched_lines": [line.model_dump(mode="json") for line in m.matched_lines],
                "cancelled": m.cancelled,
                "line_units": m.line_units,
                "cancelled_units": m.cancelled_units,
            }
            for m in parcel.members
        ]
    )


def _parcel(row: asyncpg.Record) -> Parcel:
    return Parcel(
        tracking_number=row["tracking_number"],
        bundle_id=row["bundle_id"],
        parcel_id=row["parcel_id"],
        courier_code=row["courier_code"],
        seller_id=row["seller_id"],
        correlation_id=row["correlation_id"],
        waybill_event_id=row["causation_id"],
        members=[
            ParcelMember(
                order=OrderRef.model_validate(m["order"]),
                line_ids=tuple(m["line_ids"]),
                matched_lines=tuple(MatchedLine.model_validate(x) for x in m["matched_lines"]),
                cancelled=m["cancelled"],
                line_units=m.get("line_units", {}),
                cancelled_units=m.get("cancelled_units", {}),
            )
            for m in json.loads(row["members"])
        ],
        status=row["status"],
        shipped_at=row["shipped_at"],
        shipped_by=row["shipped_by"],
        recipient=Recipient.model_validate_json(row["recipient"]) if row["recipient"] else None,
    )


async def recorded_pairs(
    conn: Conn, parcel_ids: Sequence[uuid.UUID], numbers: Sequence[str]
) -> set[tuple[uuid.UUID, str]]:
    """(parcel_id, tracking_number) of recorded numbers sharing a parcel or a number with these."""
    rows = await conn.fetch(
        """
        SELECT parcel_id, tracking_number FROM parcels
        WHERE parcel_id = ANY($1::uuid[]) OR tracking_number = ANY($2::text[])
        """,
        list(parcel_ids),
        list(numbers),
    )
    return {(r["parcel_id"], r["tracking_number"]) for r in rows}


async def insert_new(conn: Conn, parcels: Sequence[Parcel]) -> None:
    await conn.execute(
        """
        INSERT INTO parcels (tracking_number, bundle_id, courier_code, seller_id, correlation_id,
                             causation_id, members, order_uids, status, recipient, parcel_id)
        SELECT t, b, c, s, cor, cau, m, ARRAY(SELECT jsonb_array_elements(m) ->> 'uid'), st, r, pid
        FROM unnest($1::text[], $2::uuid[], $3::text[], $4::text[], $5::uuid[], $6::uuid[],
                    $7::jsonb[], $8::text[], $9::jsonb[], $10::uuid[])
             AS p(t, b, c, s, cor, cau, m, st, r, pid)
        ON CONFLICT (tracking_number) DO NOTHING
        """,
        [p.tracking_number for p in parcels],
        [p.bundle_id for p in parcels],
        [p.courier_code for p in parcels],
        [p.seller_id for p in parcels],
        [p.correlation_id for p in parcels],
        [p.waybill_event_id for p in parcels],
        [_members_json(p) for p in parcels],
        [p.status for p in parcels],
        [p.recipient.model_dump_json() if p.recipient else None for p in parcels],
        [p.parcel_id for p in parcels],
    )


async def lock_orders(conn: Conn, uids: Sequence[str]) -> None:
    """Serialise everything that decides an order's fate here (its cancellation, its parcel
    being recorded) across transactions and replicas; sorted, so two batches never deadlock."""
    await conn.execute(
        """
        SELECT pg_advisory_xact_lock(hashtextextended('shipper-order:' || u, 0))
        FROM unnest($1::text[]) WITH ORDINALITY AS t(u, n) ORDER BY n
        """,
        sorted(set(uids)),
    )


async def lock_parcels(conn: Conn, parcel_ids: Sequence[uuid.UUID]) -> list[Parcel]:
    """Every number recorded for these parcels, row-locked in tracking-number order."""
    rows = await conn.fetch(
        f"""
        SELECT {_PARCEL_COLUMNS} FROM parcels WHERE parcel_id = ANY($1::uuid[])
        ORDER BY tracking_number FOR UPDATE
        """,
        list(parcel_ids),
    )
    return [_parcel(r) for r in rows]


async def lock_holding(conn: Conn, uids: Sequence[str]) -> list[Parcel]:
    """Parcels with any of these orders, row-locked in tracking-number order (no deadlocks)."""
    rows = await conn.fetch(
        f"""
        SELECT {_PARCEL_COLUMNS} FROM parcels WHERE order_uids && $1::text[]
        ORDER BY tracking_number FOR UPDATE
        """,
        list(uids),
    )
    return [_parcel(r) for r in rows]


async def lock_numbers(conn: Conn, seller_id: str, numbers: Sequence[str]) -> dict[str, Parcel]:
    """The seller's scanned parcels, row-locked in sorted order, so two scanners never both ship
    one. Another seller's number is simply not found."""
    rows = await conn.fetch(
        f"""
        SELECT {_PARCEL_COLUMNS} FROM parcels
        WHERE seller_id = $1 AND tracking_number = ANY($2::text[])
        ORDER BY tracking_number FOR UPDATE
        """,
        seller_id,
        sorted(numbers),
    )
    return {r["tracking_number"]: _parcel(r) for r in rows}


async def live_numbers(
    conn: Conn, seller_id: str, parcel_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, str]:
    """The number each of these parcels may ship under now (its one number not VOIDED)."""
    rows = await conn.fetch(
        """
        SELECT parcel_id, tracking_number FROM parcels
        WHERE seller_id = $1 AND parcel_id = ANY($2::uuid[]) AND status <> 'VOIDED'
        """,
        seller_id,
        list(parcel_ids),
    )
    return {r["parcel_id"]: r["tracking_number"] for r in rows}


async def save_states(conn: Conn, parcels: Sequence[Parcel]) -> None:
    await conn.execute(
        """
        UPDATE parcels SET members = p.m, status = p.s, shipped_at = p.at, shipped_by = p.by
        FROM unnest($1::text[], $2::jsonb[], $3::text[], $4::timestamptz[], $5::text[])
             AS p(t, m, s, at, by)
        WHERE tracking_number = p.t
        """,
        [p.tracking_number for p in parcels],
        [_members_json(p) for p in parcels],
        [p.status for p in parcels],
        [p.shipped_at for p in parcels],
        [p.shipped_by for p in parcels],
    )


async def add_cancelled_units(
    conn: Conn, units: Sequence[tuple[str, str, int]]
) -> dict[str, dict[str, int]]:
    """Count (order uid, line id, units) of partial cancellations; the totals per order line."""
    await conn.executemany(
        """
        INSERT INTO cancelled_units (order_uid, line_id, quantity) VALUES ($1, $2, $3)
        ON CONFLICT (order_uid, line_id)
        DO UPDATE SET quantity = cancelled_units.quantity + EXCLUDED.quantity
        """,
        list(units),
    )
    return await cancelled_units(conn, [u[0] for u in units])


async def cancelled_units(conn: Conn, uids: Sequence[str]) -> dict[str, dict[str, int]]:
    rows = await conn.fetch(
        "SELECT order_uid, line_id, quantity FROM cancelled_units WHERE order_uid = ANY($1::text[])",
        sorted(set(uids)),
    )
    totals: dict[str, dict[str, int]] = {}
    for r in rows:
        totals.setdefault(r["order_uid"], {})[r["line_id"]] = int(r["quantity"])
    return totals
