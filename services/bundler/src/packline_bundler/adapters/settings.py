"""SQL for per-seller sealing settings and never-bundle exclusions."""

from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from packline_bundler.domain.sealing import SealSettings, parse_cutoffs
from packline_runtime.db import Conn


async def seal_settings(conn: Conn, sellers: Iterable[str]) -> dict[str, SealSettings]:
    rows = await conn.fetch(
        "SELECT * FROM seller_settings WHERE seller_id = ANY($1::text[])", sorted(set(sellers))
    )
    return {
        r["seller_id"]: SealSettings(
            r["seal_mode"],
            timedelta(seconds=r["hold_seconds"]) if r["hold_seconds"] is not None else None,
            parse_cutoffs(",".join(r["cutoffs"])) if r["cutoffs"] else (),
        )
        for r in rows
    }


async def save(conn: Conn, seller_id: str, settings: SealSettings, by: str) -> None:
    await conn.execute(
        """
        INSERT INTO seller_settings (seller_id, seal_mode, hold_seconds, cutoffs, updated_by)
        VALUES ($1, $2, $3, $4, $5)
        ON CONFLICT (seller_id) DO UPDATE
        SET seal_mode = EXCLUDED.seal_mode, hold_seconds = EXCLUDED.hold_seconds,
            cutoffs = EXCLUDED.cutoffs, updated_by = EXCLUDED.updated_by, updated_at = now()
        """,
        seller_id,
        settings.mode,
        int(settings.hold.total_seconds()) if settings.hold is not None else None,
        [c.strftime("%H:%M") for c in settings.cutoffs],
        by,
    )


async def exclusions(conn: Conn, sellers: Iterable[str]) -> dict[str, dict[str, set[str]]]:
    rows = await conn.fetch(
        "SELECT seller_id, kind, value FROM exclusions WHERE seller_id = ANY($1::text[])",
        sorted(set(sellers)),
    )
    found: dict[str, dict[str, set[str]]] = {}
    for r in rows:
        found.setdefault(r["seller_id"], {"SKU": set(), "MARKETPLACE": set()})[r["kind"]].add(
            r["value"]
        )
    return found


async def exclude(conn: Conn, seller_id: str, kind: str, value: str, by: str, why: str) -> None:
    await conn.execute(
        """
        INSERT INTO exclusions (seller_id, kind, value, created_by, reason)
        VALUES ($1, $2, $3, $4, $5) ON CONFLICT (seller_id, kind, value) DO NOTHING
        """,
        seller_id,
        kind,
        value,
        by,
        why,
    )


async def include(conn: Conn, seller_id: str, kind: str, value: str) -> bool:
    status = await conn.execute(
        "DELETE FROM exclusions WHERE seller_id = $1 AND kind = $2 AND value = $3",
        seller_id,
        kind,
        value,
    )
    return status.endswith(" 1")


async def listing(conn: Conn, seller_id: str) -> dict[str, Any]:
    settings = await conn.fetchrow("SELECT * FROM seller_settings WHERE seller_id = $1", seller_id)
    rows = await conn.fetch(
        "SELECT kind, value, created_by, reason, created_at FROM exclusions WHERE seller_id = $1"
        " ORDER BY kind, value",
        seller_id,
    )
    return {"settings": dict(settings) if settings else None, "exclusions": [dict(r) for r in rows]}
