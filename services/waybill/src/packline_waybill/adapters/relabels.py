"""SQL for re-labelling (재출력) after 배송지 변경: remembered changes, issued waybills holding
the changed orders, and the number a new label replaces."""

import uuid
from collections.abc import Sequence

from packline_contracts import OrderRecipientChanged, WaybillIssued
from packline_runtime.db import Conn


async def record_changes(conn: Conn, changes: Sequence[OrderRecipientChanged]) -> None:
    """Keeps the latest change per order (a replayed older one does not win)."""
    latest = {c.order.uid: c for c in sorted(changes, key=lambda c: c.occurred_at)}
    await conn.execute(
        """
        INSERT INTO recipient_changes (order_uid, event, changed_at)
        SELECT * FROM unnest($1::text[], $2::jsonb[], $3::timestamptz[])
        ON CONFLICT (order_uid) DO UPDATE SET event = EXCLUDED.event,
            changed_at = EXCLUDED.changed_at
        WHERE recipient_changes.changed_at <= EXCLUDED.changed_at
        """,
        list(latest),
        [c.model_dump_json() for c in latest.values()],
        [c.occurred_at for c in latest.values()],
    )


async def changes_for(conn: Conn, uids: Sequence[str]) -> list[OrderRecipientChanged]:
    rows = await conn.fetch(
        "SELECT event FROM recipient_changes WHERE order_uid = ANY($1::text[])", list(uids)
    )
    return [OrderRecipientChanged.model_validate_json(r["event"]) for r in rows]


async def issued_holding(conn: Conn, uids: Sequence[str]) -> list[WaybillIssued]:
    """The last WaybillIssued of each ISSUED waybill holding any of these orders, locked."""
    rows = await conn.fetch(
        """
        SELECT issued FROM waybills
        WHERE order_uids && $1::text[] AND status = 'ISSUED' AND issued IS NOT NULL
        ORDER BY bundle_id
        FOR UPDATE
        """,
        list(uids),
    )
    return [WaybillIssued.model_validate_json(r["issued"]) for r in rows]


async def replace_number(conn: Conn, bundle_id: uuid.UUID, issued: WaybillIssued) -> str:
    """The bundle's waybill takes the new number and label; returns the number replaced."""
    old: str = await conn.fetchval(
        """
        UPDATE waybills w SET tracking_number = $2, issued = $3::jsonb, issued_at = now()
        FROM (SELECT tracking_number FROM waybills WHERE bundle_id = $1) AS o
        WHERE w.bundle_id = $1
        RETURNING o.tracking_number
        """,
        bundle_id,
        issued.tracking_number,
        issued.model_dump_json(),
    )
    await conn.execute(
        """
        INSERT INTO replaced_numbers (tracking_number, bundle_id, replaced_by, reason)
        VALUES ($1, $2, $3, 'RECIPIENT_CHANGED')
        """,
        old,
        bundle_id,
        issued.tracking_number,
    )
    return old
