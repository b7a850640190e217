"""SQL for re-labelling (재출력) after 배송지 변경: remembered changes, issued waybills holding
the changed orders, and the number a new label replaces."""

import uuid
from collections.abc import Sequence

from packline_contracts import WaybillIssued
from packline_runtime.db import Conn


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
