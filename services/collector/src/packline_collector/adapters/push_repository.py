"""SQL for tracking-number pushes: lines recorded PENDING by the consumer, leased by the pusher
(SKIP LOCKED), their results, and the retries a person asks for (the list and counts a person
reads are push_views)."""

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from packline_collector.adapters.accounts_repository import COLUMNS as ACCOUNT_COLUMNS
from packline_collector.domain.accounts import Account
from packline_collector.domain.push import (
    LineKey,
    NewPush,
    PushLine,
    PushResult,
    PushState,
    PushView,
    Verdict,
    backoff,
)
from packline_contracts import OrderRef
from packline_runtime.db import Conn

KEY = "seller_id, marketplace, marketplace_order_id, line_id"


def _key(row: Any) -> LineKey:
    return LineKey(
        row["seller_id"], row["marketplace"], row["marketplace_order_id"], row["line_id"]
    )


def _key_columns(keys: Sequence[LineKey]) -> list[list[str]]:
    return [
        [k.seller_id for k in keys],
        [k.marketplace for k in keys],
        [k.marketplace_order_id for k in keys],
        [k.line_id for k in keys],
    ]


async def remember_order_numbers(conn: Conn, numbers: Sequence[tuple[OrderRef, str]]) -> None:
    """What a marketplace calls the order besides the shipping unit (Coupang orderId)."""
    if not numbers:
        return
    await conn.execute(
        """
        INSERT INTO order_marketplace_numbers
            (seller_id, marketplace, marketplace_order_id, marketplace_order_no)
        SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])
        ON CONFLICT DO NOTHING
        """,
        [r.seller_id for r, _ in numbers],
        [r.marketplace.value for r, _ in numbers],
        [r.marketplace_order_id for r, _ in numbers],
        [n for _, n in numbers],
    )


async def accounts_of_orders(
    conn: Conn, refs: Sequence[OrderRef]
) -> dict[str, tuple[uuid.UUID | None, bool]]:
    """The marketplace account each order was collected with (None: by hand or Excel), and
    whether the order is cancelled here."""
    rows = await conn.fetch(
        """
        SELECT o.seller_id, o.marketplace, o.marketplace_order_id, o.account_id,
               o.status = 'CANCELLED' AS cancelled
        FROM orders o JOIN unnest($1::text[], $2::text[], $3::text[]) AS t(s, m, i)
          ON o.seller_id = t.s AND o.marketplace = t.m AND o.marketplace_order_id = t.i
        """,
        [r.seller_id for r in refs],
        [r.marketplace.value for r in refs],
        [r.marketplace_order_id for r in refs],
    )
    return {
        f"{r['seller_id']}:{r['marketplace']}:{r['marketplace_order_id']}": (
            r["account_id"],
            r["cancelled"],
        )
        for r in rows
    }


async def record(conn: Conn, pushes: Sequence[NewPush]) -> None:
    """A line already recorded with this number stays as it is (SENT is never re-sent); a new
    number replaces the old one and is pushed afresh, also on a SENT line (the marketplace
    keeps the old one in `marketplace_number` until the update is accepted); a CANCELLED line
    stays cancelled."""
    if not pushes:
        return
    await conn.execute(
        f"""
        INSERT INTO tracking_pushes ({KEY}, account_id, parcel_id, courier_code,
                                     tracking_number, pre_shipment, state)
        SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::uuid[],
                             $6::uuid[], $7::text[], $8::text[], $9::boolean[], $10::text[])
        ON CONFLICT ({KEY}) DO UPDATE
        SET parcel_id = EXCLUDED.parcel_id, courier_code = EXCLUDED.courier_code,
            tracking_number = EXCLUDED.tracking_number, pre_shipment = EXCLUDED.pre_shipment,
            state = EXCLUDED.state, attempts = 0, next_attempt_at = now(),
            result_code = '', result_message = '', updated_at = now()
        WHERE tracking_pushes.state <> 'CANCELLED'
          AND (tracking_pushes.tracking_number, tracking_pushes.courier_code)
              <> (EXCLUDED.tracking_number, EXCLUDED.courier_code)
        """,
        *_key_columns([p.key for p in pushes]),
        [p.account_id for p in pushes],
        [p.parcel_id for p in pushes],
        [p.courier_code for p in pushes],
        [p.tracking_number for p in pushes],
        [p.pre_shipment for p in pushes],
        [p.state.value for p in pushes],
    )


async def lease_due(conn: Conn, limit: int, lease_seconds: float) -> list[PushLine]:
    """Due PENDING lines, moved out of every other pusher's reach for `lease_seconds`."""
    rows = await conn.fetch(
        f"""
        WITH due AS (
            SELECT {KEY} FROM tracking_pushes
            WHERE state = 'PENDING' AND next_attempt_at <= now()
            ORDER BY next_attempt_at LIMIT $1 FOR UPDATE SKIP LOCKED)
        UPDATE tracking_pushes p SET next_attempt_at = now() + make_interval(secs => $2)
        FROM due
        WHERE (p.seller_id, p.marketplace, p.marketplace_order_id, p.line_id)
              = (due.seller_id, due.marketplace, due.marketplace_order_id, due.line_id)
        RETURNING p.seller_id, p.marketplace, p.marketplace_order_id, p.line_id, p.account_id,
                  p.courier_code, p.tracking_number, p.attempts, p.marketplace_number,
                  (SELECT n.marketplace_order_no FROM order_marketplace_numbers n
                   WHERE (n.seller_id, n.marketplace, n.marketplace_order_id)
                         = (p.seller_id, p.marketplace, p.marketplace_order_id)) AS order_no
        """,
        limit,
        lease_seconds,
    )
    return [
        PushLine(
            _key(r),
            r["account_id"],
            r["courier_code"],
            r["tracking_number"],
            r["attempts"],
            r["order_no"] or "",
            r["marketplace_number"],
        )
        for r in rows
    ]


async def accounts(conn: Conn, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Account]:
    """The enabled accounts among `ids`, with their keys, as collection opens them."""
    rows = await conn.fetch(
        f"SELECT {ACCOUNT_COLUMNS} FROM marketplace_accounts "
        "WHERE account_id = ANY($1::uuid[]) AND enabled",
        list(ids),
    )
    return {r["account_id"]: Account.from_row(dict(r)) for r in rows}


_STATE_AFTER = {
    Verdict.SENT: PushState.SENT,
    Verdict.FAILED: PushState.FAILED,
    Verdict.CANCELLED: PushState.FAILED,
    Verdict.RETRY: PushState.PENDING,
    Verdict.BY_HAND: PushState.FAILED,
}


async def save_results(
    conn: Conn, results: Sequence[tuple[PushLine, PushResult]], now: datetime
) -> None:
    """Applied only while the line is still PENDING with the number that was pushed."""
    if not results:
        return
    await conn.execute(
        f"""
        UPDATE tracking_pushes p
        SET state = t.state, attempts = p.attempts + 1, last_attempt_at = $9,
            next_attempt_at = coalesce(t.next_at, p.next_attempt_at),
            result_code = t.code, result_message = t.message,
            cancelled_at_marketplace = t.cancelled,
            sent_at = CASE WHEN t.state = 'SENT' THEN $9 ELSE p.sent_at END, updated_at = $9,
            marketplace_number = CASE WHEN t.state = 'SENT' THEN p.tracking_number
                                      ELSE p.marketplace_number END,
            marketplace_courier_code = CASE WHEN t.state = 'SENT' THEN p.courier_code
                                            ELSE p.marketplace_courier_code END
        FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[],
                    $7::text[], $8::timestamptz[], $10::text[], $11::boolean[])
             AS t({KEY}, state, code, message, next_at, tracking_number, cancelled)
        WHERE (p.seller_id, p.marketplace, p.marketplace_order_id, p.line_id)
              = (t.seller_id, t.marketplace, t.marketplace_order_id, t.line_id)
          AND p.state = 'PENDING' AND p.tracking_number = t.tracking_number
        """,
        *_key_columns([line.key for line, _ in results]),
        [_STATE_AFTER[r.verdict].value for _, r in results],
        [r.code[:100] for _, r in results],
        [r.message[:1000] for _, r in results],
        [
            now + backoff(line.attempts + 1) if r.verdict is Verdict.RETRY else None
            for line, r in results
        ],
        now,
        [line.tracking_number for line, _ in results],
        [r.verdict is Verdict.CANCELLED for _, r in results],
    )


VIEW_COLUMNS = f"""{KEY}, parcel_id, courier_code, tracking_number, pre_shipment, state,
                   marketplace_number, attempts, last_attempt_at, result_code, result_message,
                   cancelled_at_marketplace, sent_at"""


async def retry_one(conn: Conn, key: LineKey) -> tuple[PushView, bool] | None:
    """A FAILED line back to PENDING, due now (True); any other line unchanged (False)."""
    row = await conn.fetchrow(
        f"""
        WITH retried AS (
            UPDATE tracking_pushes SET state = 'PENDING', next_attempt_at = now(),
                   updated_at = now()
            WHERE ({KEY}) = ($1, $2, $3, $4) AND state = 'FAILED'
            RETURNING {VIEW_COLUMNS}, true AS retried)
        SELECT * FROM retried
        UNION ALL
        SELECT {VIEW_COLUMNS}, false FROM tracking_pushes
        WHERE ({KEY}) = ($1, $2, $3, $4) AND NOT EXISTS (SELECT 1 FROM retried)
        """,
        key.seller_id,
        key.marketplace,
        key.marketplace_order_id,
        key.line_id,
    )
    if row is None:
        return None
    return PushView.model_validate({k: v for k, v in row.items() if k != "retried"}), row["retried"]


async def retry_failed(conn: Conn, seller_id: str) -> int:
    """Every FAILED line of the seller back to PENDING, but those cancelled at the marketplace."""
    rows = await conn.fetch(
        """
        UPDATE tracking_pushes SET state = 'PENDING', next_attempt_at = now(), updated_at = now()
        WHERE seller_id = $1 AND state = 'FAILED' AND NOT cancelled_at_marketplace
        RETURNING 1
        """,
        seller_id,
    )
    return len(rows)


async def cancel_lines(conn: Conn, refs: Sequence[OrderRef]) -> list[tuple[LineKey, str]]:
    """The lines of orders cancelled here are never pushed (again): CANCELLED. Returns those
    whose marketplace holds a number of ours (pushed before the cancel, e.g. 가배송), with it;
    lines already CANCELLED are left alone, so a replayed cancel returns nothing."""
    if not refs:
        return []
    rows = await conn.fetch(
        """
        UPDATE tracking_pushes p SET state = 'CANCELLED', updated_at = now()
        FROM unnest($1::text[], $2::text[], $3::text[]) AS t(s, m, i)
        WHERE (p.seller_id, p.marketplace, p.marketplace_order_id) = (t.s, t.m, t.i)
          AND p.state IN ('PENDING', 'SENT', 'FAILED')
        RETURNING p.seller_id, p.marketplace, p.marketplace_order_id, p.line_id,
                  p.marketplace_number
        """,
        [r.seller_id for r in refs],
        [r.marketplace.value for r in refs],
        [r.marketplace_order_id for r in refs],
    )
    return [(_key(r), r["marketplace_number"]) for r in rows if r["marketplace_number"]]
