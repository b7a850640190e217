"""SQL for number bands: one row per courier, serials claimed with a single atomic UPDATE."""

from packline_runtime.db import Conn
from packline_waybill.domain.numbers import NumberBand


async def ensure(conn: Conn, band: NumberBand) -> None:
    """Create the courier's band, or move it to the configured range without reusing serials."""
    await conn.execute(
        """
        INSERT INTO number_bands (courier_code, band_start, band_end, next_serial)
        VALUES ($1, $2, $3, $2)
        ON CONFLICT (courier_code) DO UPDATE
           SET band_start = EXCLUDED.band_start,
               band_end = EXCLUDED.band_end,
               next_serial = GREATEST(number_bands.next_serial, EXCLUDED.band_start),
               updated_at = now()
         WHERE (number_bands.band_start, number_bands.band_end)
               IS DISTINCT FROM (EXCLUDED.band_start, EXCLUDED.band_end)
        """,
        band.courier_code,
        band.start,
        band.end,
    )


async def claim(conn: Conn, courier_code: str, count: int) -> int | None:
    """The first of `count` consecutive serials now ours, or None when the band lacks them.
    The row lock taken here keeps concurrent replicas from claiming the same serials."""
    first: int | None = await conn.fetchval(
        """
        UPDATE number_bands
           SET next_serial = next_serial + $2, updated_at = now()
         WHERE courier_code = $1 AND next_serial + $2 - 1 <= band_end
        RETURNING next_serial - $2
        """,
        courier_code,
        count,
    )
    return first


async def next_serial(conn: Conn, courier_code: str) -> int | None:
    value: int | None = await conn.fetchval(
        "SELECT next_serial FROM number_bands WHERE courier_code = $1", courier_code
    )
    return value


async def state(conn: Conn, courier_code: str) -> dict[str, int] | None:
    row = await conn.fetchrow(
        """
        SELECT band_start, band_end, next_serial,
               GREATEST(band_end - next_serial + 1, 0) AS remaining
        FROM number_bands WHERE courier_code = $1
        """,
        courier_code,
    )
    return {k: int(v) for k, v in dict(row).items()} if row else None
