"""SQL for sellers' adjusted courier templates."""

import json
from typing import Any

from packline_runtime.db import Conn


async def get(conn: Conn, seller_id: str, key: str) -> Any | None:
    raw = await conn.fetchval(
        "SELECT template FROM courier_templates WHERE seller_id = $1 AND key = $2", seller_id, key
    )
    return json.loads(raw) if raw is not None else None


async def put(conn: Conn, seller_id: str, key: str, template: Any) -> None:
    await conn.execute(
        """
        INSERT INTO courier_templates (seller_id, key, template) VALUES ($1, $2, $3::jsonb)
        ON CONFLICT (seller_id, key) DO UPDATE SET template = EXCLUDED.template, updated_at = now()
        """,
        seller_id,
        key,
        json.dumps(template, ensure_ascii=False),
    )


async def keys(conn: Conn, seller_id: str) -> list[str]:
    rows = await conn.fetch(
        "SELECT key FROM courier_templates WHERE seller_id = $1 ORDER BY key", seller_id
    )
    return [r["key"] for r in rows]
