"""SQL for courier API bookings: leasing due parcels, recording failures, booking again."""

import json
import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from packline_runtime.db import Conn
from packline_waybill.adapters.repository import COLUMNS, ParcelRecord, parcel_record


async def due_bookings(conn: Conn, limit: int, lease: timedelta) -> list[ParcelRecord]:
    """API parcels due for booking, leased so another replica leaves them alone meanwhile."""
    rows = await conn.fetch(
        f"""
        WITH due AS (
            SELECT parcel_id FROM waybills
            WHERE status = 'AWAITING' AND method = 'API' AND next_booking_at <= now()
            ORDER BY next_booking_at LIMIT $1 FOR UPDATE SKIP LOCKED
        )
        UPDATE waybills w SET next_booking_at = now() + $2::interval,
               booking_attempts = booking_attempts + 1
        FROM due WHERE w.parcel_id = due.parcel_id
        RETURNING {", ".join("w." + c.strip() for c in COLUMNS.split(","))}
        """,
        limit,
        lease,
    )
    return [parcel_record(r) for r in rows]


async def booking_failed(
    conn: Conn, failures: Mapping[uuid.UUID, tuple[dict[str, Any], datetime | None]]
) -> None:
    """Record each parcel's last booking failure and when to try again (None: a person must)."""
    await conn.execute(
        """
        UPDATE waybills SET booking_error = f.e, next_booking_at = f.n
        FROM unnest($1::uuid[], $2::jsonb[], $3::timestamptz[]) AS f(p, e, n)
        WHERE parcel_id = f.p AND status = 'AWAITING'
        """,
        list(failures),
        [json.dumps(e) for e, _ in failures.values()],
        [n for _, n in failures.values()],
    )


async def book_again(conn: Conn, seller_id: str, parcel_ids: Sequence[uuid.UUID] | None) -> int:
    """A person asks to book now (after fixing an address or the quota): returns how many."""
    result: str = await conn.execute(
        """
        UPDATE waybills SET next_booking_at = now(), booking_attempts = 0
        WHERE seller_id = $1 AND status = 'AWAITING' AND method = 'API'
          AND ($2::uuid[] IS NULL OR parcel_id = ANY($2::uuid[]))
        """,
        seller_id,
        list(parcel_ids) if parcel_ids is not None else None,
    )
    return int(result.split()[-1])
