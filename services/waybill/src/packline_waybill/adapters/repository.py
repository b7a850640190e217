"""SQL for waybills."""

import json
import uuid
from collections.abc import Sequence

import asyncpg

from packline_contracts import WaybillIssued
from packline_runtime.db import Conn
from packline_waybill.domain.waybill import Waybill


def _members_json(waybill: Waybill) -> str:
    return json.dumps([{"order": uid, "cancelled": c} for uid, c in waybill.cancelled.items()])


def _waybill(row: asyncpg.Record) -> Waybill:
    return Waybill(
        bundle_id=row["bundle_id"],
        seller_id=row["seller_id"],
        courier_code=row["courier_code"],
        tracking_number=row["tracking_number"],
        cancelled={m["order"]: m["cancelled"] for m in json.loads(row["members"])},
        status=row["status"],
        voided_at=row["voided_at"],
    )


async def bundles_with_waybill(conn: Conn, ids: Sequence[uuid.UUID]) -> set[uuid.UUID]:
    rows = await conn.fetch("SELECT bundle_id FROM waybills WHERE bundle_id = ANY($1::uuid[])", ids)
    return {r["bundle_id"] for r in rows}


async def insert_new(
    conn: Conn, waybills: Sequence[Waybill], issued: Sequence[WaybillIssued]
) -> set[uuid.UUID]:
    """Insert waybills for bundles that have none; returns the bundle ids actually inserted.
    `issued` (same order) is kept so a new label can be issued if the address changes."""
    rows = await conn.fetch(
        """
        INSERT INTO waybills (bundle_id, seller_id, courier_code, tracking_number, members,
                              order_uids, issued)
        SELECT b, s, c, t, m, ARRAY(SELECT jsonb_array_elements(m) ->> 'order'), i
        FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::jsonb[], $6::jsonb[])
             AS w(b, s, c, t, m, i)
        ON CONFLICT (bundle_id) DO NOTHING
        RETURNING bundle_id
        """,
        [w.bundle_id for w in waybills],
        [w.seller_id for w in waybills],
        [w.courier_code for w in waybills],
        [w.tracking_number for w in waybills],
        [_members_json(w) for w in waybills],
        [i.model_dump_json() for i in issued],
    )
    return {r["bundle_id"] for r in rows}


async def lock_holding(conn: Conn, uids: Sequence[str]) -> list[Waybill]:
    """Waybills with any of these orders, row-locked in a fixed order (no deadlocks)."""
    rows = await conn.fetch(
        """
        SELECT bundle_id, seller_id, courier_code, tracking_number, members, status, voided_at
        FROM waybills WHERE order_uids && $1::text[]
        ORDER BY bundle_id
        FOR UPDATE
        """,
        list(uids),
    )
    return [_waybill(r) for r in rows]


async def save_states(conn: Conn, waybills: Sequence[Waybill]) -> None:
    await conn.execute(
        """
        UPDATE waybills SET members = w.m, status = w.s, voided_at = w.v
        FROM unnest($1::uuid[], $2::jsonb[], $3::text[], $4::timestamptz[]) AS w(b, m, s, v)
        WHERE bundle_id = w.b
        """,
        [w.bundle_id for w in waybills],
        [_members_json(w) for w in waybills],
        [w.status for w in waybills],
        [w.voided_at for w in waybills],
    )
