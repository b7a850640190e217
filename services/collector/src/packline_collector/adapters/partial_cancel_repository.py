"""SQL for partial cancellations: the collected and cancelled units of a locked order, and the
record of every partial claim (applied or refused)."""

import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from packline_collector.domain.cancellation import OrderStatus
from packline_contracts import OrderRef
from packline_runtime.db import Conn


@dataclass(frozen=True)
class OrderUnits:
    """A locked order as a partial claim needs it: units collected and cancelled per line."""

    seller_id: str
    recipient_key: str
    status: OrderStatus
    event_id: uuid.UUID  # its OrderCollected: the chain a cancellation continues
    collected: dict[str, int]
    cancelled: dict[str, int]


async def lock_units(conn: Conn, ref: OrderRef) -> OrderUnits | None:
    """The order row locked, with its collected and cancelled units per line."""
    row = await conn.fetchrow(
        """
        SELECT seller_id, recipient_key, status, event_id,
               line_quantities::text AS collected, cancelled_quantities::text AS cancelled
        FROM orders WHERE seller_id = $3 AND marketplace = $1 AND marketplace_order_id = $2
        FOR UPDATE
        """,
        ref.marketplace.value,
        ref.marketplace_order_id,
        ref.seller_id,
    )
    if row is None:
        return None
    return OrderUnits(
        seller_id=row["seller_id"],
        recipient_key=row["recipient_key"],
        status=OrderStatus(row["status"]),
        event_id=row["event_id"],
        collected={k: int(v) for k, v in json.loads(row["collected"]).items()},
        cancelled={k: int(v) for k, v in json.loads(row["cancelled"]).items()},
    )


async def set_cancelled(conn: Conn, ref: OrderRef, cancelled: Mapping[str, int]) -> None:
    await conn.execute(
        """
        UPDATE orders SET cancelled_quantities = $4::jsonb, updated_at = now()
        WHERE seller_id = $3 AND marketplace = $1 AND marketplace_order_id = $2
        """,
        ref.marketplace.value,
        ref.marketplace_order_id,
        ref.seller_id,
        json.dumps(dict(cancelled)),
    )


async def record(
    conn: Conn,
    ref: OrderRef,
    lines: Mapping[str, int],
    source: str,
    reason: str,
    outcome: str,
    detail: str,
) -> None:
    await conn.execute(
        """
        INSERT INTO line_cancellations
            (seller_id, marketplace, marketplace_order_id, source, reason, lines, outcome, detail)
        VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8)
        """,
        ref.seller_id,
        ref.marketplace.value,
        ref.marketplace_order_id,
        source,
        reason,
        json.dumps(dict(lines)),
        outcome,
        detail,
    )


async def history(conn: Conn, ref: OrderRef) -> list[dict[str, Any]]:
    rows = await conn.fetch(
        """
        SELECT source, reason, lines::text AS lines, outcome, detail, decided_at
        FROM line_cancellations
        WHERE seller_id = $1 AND marketplace = $2 AND marketplace_order_id = $3 ORDER BY id
        """,
        ref.seller_id,
        ref.marketplace.value,
        ref.marketplace_order_id,
    )
    return [{**dict(r), "lines": json.loads(r["lines"])} for r in rows]
