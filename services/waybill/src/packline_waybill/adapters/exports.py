"""SQL for courier-file export batches (kept so a file can be downloaded again)."""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from packline_runtime.db import Conn


@dataclass(frozen=True)
class ExportBatch:
    id: int
    seller_id: str
    courier_code: str
    template_key: str
    file_format: str
    encoding: str | None
    password_protected: bool
    filename: str
    parcel_ids: list[uuid.UUID]
    references: list[str]
    created_by: str
    created_at: datetime


async def insert(
    conn: Conn,
    *,
    seller_id: str,
    account_id: int | None,
    courier_code: str,
    template_key: str,
    file_format: str,
    encoding: str | None,
    password_protected: bool,
    filename: str,
    content: bytes,
    parcel_ids: Sequence[uuid.UUID],
    references: Sequence[str],
    created_by: str,
) -> ExportBatch:
    row = await conn.fetchrow(
        """
        INSERT INTO export_batches (seller_id, account_id, courier_code, template_key, file_format,
                                    encoding, password_protected, filename, content, parcel_ids,
                                    references_, created_by)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::uuid[], $11::text[], $12)
        RETURNING id, created_at
        """,
        seller_id,
        account_id,
        courier_code,
        template_key,
        file_format,
        encoding,
        password_protected,
        filename,
        content,
        list(parcel_ids),
        list(references),
        created_by,
    )
    assert row is not None  # INSERT … RETURNING always returns the row
    return ExportBatch(
        id=row["id"],
        seller_id=seller_id,
        courier_code=courier_code,
        template_key=template_key,
        file_format=file_format,
        encoding=encoding,
        password_protected=password_protected,
        filename=filename,
        parcel_ids=list(parcel_ids),
        references=list(references),
        created_by=created_by,
        created_at=row["created_at"],
    )


async def content(conn: Conn, seller_id: str, batch_id: int) -> tuple[str, str, bytes] | None:
    """(filename, format, bytes) of one of the seller's batches."""
    row = await conn.fetchrow(
        "SELECT filename, file_format, content FROM export_batches WHERE seller_id = $1 AND id = $2",
        seller_id,
        batch_id,
    )
    return (row["filename"], row["file_format"], bytes(row["content"])) if row else None


async def references_of(conn: Conn, batch_ids: Sequence[int]) -> set[str]:
    rows = await conn.fetch(
        "SELECT unnest(references_) AS r FROM export_batches WHERE id = ANY($1::bigint[])",
        list(batch_ids),
    )
    return {r["r"] for r in rows}
