"""SQL for the sellers' own 출고 마감 (shipping_cutoffs): read, set, and clear back to the
collector's default."""

from dataclasses import dataclass
from datetime import datetime, time

from packline_runtime.db import Conn


@dataclass(frozen=True)
class StoredCutoff:
    cutoff: time
    updated_by: str
    updated_at: datetime


def _stored(row: object) -> StoredCutoff | None:
    if row is None:
        return None
    return StoredCutoff(row["cutoff"], row["updated_by"], row["updated_at"])  # type: ignore[index]


async def get(conn: Conn, seller_id: str) -> StoredCutoff | None:
    row = await conn.fetchrow(
        "SELECT cutoff, updated_by, updated_at FROM shipping_cutoffs WHERE seller_id = $1",
        seller_id,
    )
    return _stored(row)


async def put(conn: Conn, seller_id: str, cutoff: time, by: str) -> StoredCutoff:
    row = await conn.fetchrow(
        """
        INSERT INTO shipping_cutoffs (seller_id, cutoff, updated_by) VALUES ($1, $2, $3)
        ON CONFLICT (seller_id) DO UPDATE
            SET cutoff = EXCLUDED.cutoff, updated_by = EXCLUDED.updated_by, updated_at = now()
        RETURNING cutoff, updated_by, updated_at
        """,
        seller_id,
        cutoff,
        by,
    )
    stored = _stored(row)
    assert stored is not None
    return stored


async def clear(conn: Conn, seller_id: str) -> None:
    await conn.execute("DELETE FROM shipping_cutoffs WHERE seller_id = $1", seller_id)
