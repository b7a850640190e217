"""SQL for how each seller's waves run (wave_modes; no row: CONTINUOUS)."""

from collections.abc import Collection
from datetime import datetime

from packline_allocator.domain.wave_modes import WaveMode, WaveSchedule
from packline_runtime.db import Conn


class PgWaveModeRepository:
    def __init__(self, conn: Conn) -> None:
        self._conn = conn

    async def of(self, sellers: Collection[str]) -> dict[str, WaveSchedule]:
        """Every seller named, CONTINUOUS when it chose nothing: one query."""
        rows = await self._conn.fetch(
            "SELECT seller_id, mode, every_minutes, last_run_at FROM wave_modes "
            "WHERE seller_id = ANY($1::text[])",
            sorted(set(sellers)),
        )
        found = {
            r["seller_id"]: WaveSchedule(WaveMode(r["mode"]), r["every_minutes"], r["last_run_at"])
            for r in rows
        }
        return {s: found.get(s, WaveSchedule()) for s in sellers}

    async def save(self, seller_id: str, schedule: WaveSchedule, by: str) -> None:
        await self._conn.execute(
            """
            INSERT INTO wave_modes (seller_id, mode, every_minutes, updated_by)
            VALUES ($1, $2, $3, $4)
            ON CONFLICT (seller_id) DO UPDATE SET mode = excluded.mode,
                every_minutes = excluded.every_minutes, updated_by = excluded.updated_by,
                updated_at = now()
            """,
            seller_id,
            schedule.mode.value,
            schedule.every_minutes,
            by,
        )

    async def due(self, now: datetime, limit: int) -> list[str]:
        """Scheduled sellers whose next wave is due, locked for this transaction (another
        replica skips them)."""
        rows = await self._conn.fetch(
            """
            SELECT seller_id FROM wave_modes
            WHERE mode = 'SCHEDULED'
              AND (last_run_at IS NULL OR last_run_at + every_minutes * interval '1 minute' <= $1)
            ORDER BY last_run_at NULLS FIRST, seller_id LIMIT $2
            FOR UPDATE SKIP LOCKED
            """,
            now,
            limit,
        )
        return [r["seller_id"] for r in rows]

    async def ran(self, seller_id: str, at: datetime) -> None:
        await self._conn.execute(
            "UPDATE wave_modes SET last_run_at = $2 WHERE seller_id = $1", seller_id, at
        )
