"""SQL for delivery tracking: parcels scanned out, polls leased and saved, scans recorded,
webhook marks, and the tracking views. Rows become ParcelTracking aggregates here."""

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from packline_runtime import search
from packline_runtime.db import Conn
from packline_waybill.domain.tracking import ParcelTracking, Scan, TrackingState

_COLUMNS = """parcel_id, seller_id, account_id, courier_code, tracking_number, shipped_at,
              followed, state, state_at, picked_up_at, delivered_at, next_poll_at,
              poll_failures, last_polled_at, last_error"""


@dataclass(frozen=True)
class ShippedParcel:
    """What the waybill table knows of a parcel that left: its seller and courier account."""

    seller_id: str
    account_id: int | None
    has_api: bool


def _tracking(row: Any) -> ParcelTracking:
    return ParcelTracking(
        parcel_id=row["parcel_id"],
        seller_id=row["seller_id"],
        account_id=row["account_id"],
        courier_code=row["courier_code"],
        tracking_number=row["tracking_number"],
        shipped_at=row["shipped_at"],
        followed=row["followed"],
        state=TrackingState(row["state"]),
        state_at=row["state_at"],
        picked_up_at=row["picked_up_at"],
        delivered_at=row["delivered_at"],
        next_poll_at=row["next_poll_at"],
        poll_failures=row["poll_failures"],
        last_polled_at=row["last_polled_at"],
        last_error=json.loads(row["last_error"]) if row["last_error"] else None,
    )


async def shipped_parcels(
    conn: Conn, parcel_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, ShippedParcel]:
    rows = await conn.fetch(
        """
        SELECT w.parcel_id, w.seller_id, w.account_id, a.api_secret IS NOT NULL AS has_api
        FROM waybills w LEFT JOIN courier_accounts a ON a.account_id = w.account_id
        WHERE w.parcel_id = ANY($1::uuid[])
        """,
        list(parcel_ids),
    )
    return {
        r["parcel_id"]: ShippedParcel(r["seller_id"], r["account_id"], r["has_api"]) for r in rows
    }


async def insert(conn: Conn, parcels: Sequence[ParcelTracking]) -> int:
    """New tracked parcels; one already tracked (a replayed Shipped) is left as it is."""
    if not parcels:
        return 0
    rows = await conn.fetch(
        """
        INSERT INTO parcel_tracking (parcel_id, seller_id, account_id, courier_code,
                                     tracking_number, shipped_at, followed, next_poll_at)
        SELECT * FROM unnest($1::uuid[], $2::text[], $3::bigint[], $4::text[], $5::text[],
                             $6::timestamptz[], $7::boolean[], $8::timestamptz[])
        ON CONFLICT (parcel_id) DO NOTHING
        RETURNING parcel_id
        """,
        [p.parcel_id for p in parcels],
        [p.seller_id for p in parcels],
        [p.account_id for p in parcels],
        [p.courier_code for p in parcels],
        [p.tracking_number for p in parcels],
        [p.shipped_at for p in parcels],
        [p.followed for p in parcels],
        [p.next_poll_at for p in parcels],
    )
    return len(rows)


async def lease_due(
    conn: Conn, now: datetime, limit: int, lease: timedelta
) -> list[ParcelTracking]:
    """Parcels due for a poll, leased so another replica leaves them alone meanwhile."""
    rows = await conn.fetch(
        f"""
        WITH due AS (
            SELECT parcel_id FROM parcel_tracking
            WHERE next_poll_at <= $1
            ORDER BY next_poll_at LIMIT $2 FOR UPDATE SKIP LOCKED
        )
        UPDATE parcel_tracking t SET next_poll_at = $1 + $3::interval
        FROM due WHERE t.parcel_id = due.parcel_id
        RETURNING {", ".join("t." + c.strip() for c in _COLUMNS.split(","))}
        """,
        now,
        limit,
        lease,
    )
    return [_tracking(r) for r in rows]


async def lock(conn: Conn, parcel_ids: Sequence[uuid.UUID]) -> list[ParcelTracking]:
    rows = await conn.fetch(
        f"SELECT {_COLUMNS} FROM parcel_tracking WHERE parcel_id = ANY($1::uuid[])"
        " ORDER BY parcel_id FOR UPDATE",
        list(parcel_ids),
    )
    return [_tracking(r) for r in rows]


async def save(conn: Conn, parcels: Sequence[ParcelTracking], now: datetime) -> None:
    """Write back the parcels' state and record their new scans (each scan once)."""
    if not parcels:
        return
    await conn.execute(
        """
        UPDATE parcel_tracking t SET state = s.state, state_at = s.state_at,
               picked_up_at = s.picked_up_at, delivered_at = s.delivered_at,
               next_poll_at = s.next_poll_at, poll_failures = s.poll_failures,
               last_polled_at = s.last_polled_at, last_error = s.last_error::jsonb
        FROM unnest($1::uuid[], $2::text[], $3::timestamptz[], $4::timestamptz[],
                    $5::timestamptz[], $6::timestamptz[], $7::int[], $8::timestamptz[],
                    $9::text[])
             AS s(parcel_id, state, state_at, picked_up_at, delivered_at, next_poll_at,
                  poll_failures, last_polled_at, last_error)
        WHERE t.parcel_id = s.parcel_id
        """,
        [p.parcel_id for p in parcels],
        [p.state.value for p in parcels],
        [p.state_at for p in parcels],
        [p.picked_up_at for p in parcels],
        [p.delivered_at for p in parcels],
        [p.next_poll_at for p in parcels],
        [p.poll_failures for p in parcels],
        [p.last_polled_at for p in parcels],
        [json.dumps(p.last_error) if p.last_error else None for p in parcels],
    )
    scans = [(p.parcel_id, s) for p in parcels for s in p.new_scans]
    if scans:
        await conn.execute(
            """
            INSERT INTO tracking_events (parcel_id, status, occurred_at, status_text, location,
                                         recorded_at)
            SELECT parcel_id, status, occurred_at, status_text, location, $6
            FROM unnest($1::uuid[], $2::text[], $3::timestamptz[], $4::text[], $5::text[])
                 AS s(parcel_id, status, occurred_at, status_text, location)
            ON CONFLICT DO NOTHING
            """,
            [p for p, _ in scans],
            [s.status.value for _, s in scans],
            [s.at for _, s in scans],
            [s.text for _, s in scans],
            [s.location for _, s in scans],
            now,
        )


async def account_seller(conn: Conn, account_id: int) -> str | None:
    seller: str | None = await conn.fetchval(
        "SELECT seller_id FROM courier_accounts WHERE account_id = $1", account_id
    )
    return seller


async def mark_for_poll(conn: Conn, account_id: int, tracking_number: str, now: datetime) -> int:
    """The courier said this number changed: poll it at once (parcels still polled only)."""
    rows = await conn.fetch(
        """
        UPDATE parcel_tracking SET next_poll_at = $3
        WHERE account_id = $1 AND tracking_number = $2 AND next_poll_at IS NOT NULL
        RETURNING parcel_id
        """,
        account_id,
        tracking_number,
        now,
    )
    return len(rows)


async def get(conn: Conn, seller_id: str, parcel_id: uuid.UUID) -> ParcelTracking | None:
    row = await conn.fetchrow(
        f"SELECT {_COLUMNS} FROM parcel_tracking WHERE seller_id = $1 AND parcel_id = $2",
        seller_id,
        parcel_id,
    )
    return _tracking(row) if row else None


async def scans(conn: Conn, parcel_id: uuid.UUID) -> list[Scan]:
    rows = await conn.fetch(
        "SELECT status, occurred_at, status_text, location FROM tracking_events"
        " WHERE parcel_id = $1 ORDER BY occurred_at, status",
        parcel_id,
    )
    return [
        Scan(TrackingState(r["status"]), r["occurred_at"], r["status_text"], r["location"])
        for r in rows
    ]


async def list_for(
    conn: Conn,
    seller_id: str,
    state: TrackingState | None,
    limit: int,
    offset: int,
    q: str | None = None,
    since: datetime | None = None,
) -> list[ParcelTracking]:
    """`q`: tracking numbers containing a term; `since`: scanned out from then on."""
    rows = await conn.fetch(
        f"SELECT {_COLUMNS} FROM parcel_tracking"
        " WHERE seller_id = $1 AND ($2::text IS NULL OR state = $2)"
        f" AND {search.matching(5, 'tracking_number')}"
        " AND ($6::timestamptz IS NULL OR shipped_at >= $6)"
        " ORDER BY shipped_at DESC, parcel_id LIMIT $3 OFFSET $4",
        seller_id,
        state.value if state else None,
        limit,
        offset,
        search.patterns(q),
        since,
    )
    return [_tracking(r) for r in rows]


async def not_picked_up_since(
    conn: Conn, seller_id: str, shipped_before: datetime, limit: int, offset: int
) -> list[ParcelTracking]:
    """Followed parcels scanned out before `shipped_before` and not picked up (overdue)."""
    rows = await conn.fetch(
        f"SELECT {_COLUMNS} FROM parcel_tracking"
        " WHERE followed AND picked_up_at IS NULL AND shipped_at <= $2"
        " AND seller_id = $1"
        " ORDER BY shipped_at, parcel_id LIMIT $3 OFFSET $4",
        seller_id,
        shipped_before,
        limit,
        offset,
    )
    return [_tracking(r) for r in rows]


async def counts(conn: Conn, seller_id: str | None, shipped_before: datetime) -> dict[str, int]:
    """Tracked parcels picked up, in transit (picked up, not delivered), delivered, overdue: of
    one seller, or of all (None: the platform's view)."""
    row = await conn.fetchrow(
        """
        SELECT count(*) FILTER (WHERE picked_up_at IS NOT NULL) AS picked_up,
               count(*) FILTER (WHERE picked_up_at IS NOT NULL AND delivered_at IS NULL)
                   AS in_transit,
               count(*) FILTER (WHERE delivered_at IS NOT NULL) AS delivered,
               count(*) FILTER (WHERE followed AND picked_up_at IS NULL
                                AND shipped_at <= $1) AS overdue
        FROM parcel_tracking WHERE ($2::text IS NULL OR seller_id = $2)
        """,
        shipped_before,
        seller_id,
    )
    assert row is not None
    return {k: int(row[k]) for k in ("picked_up", "in_transit", "delivered", "overdue")}
