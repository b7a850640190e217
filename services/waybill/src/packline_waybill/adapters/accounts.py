"""SQL for courier accounts, their number bands and sellers' waybill settings."""

import json

import asyncpg

from packline_runtime.db import Conn
from packline_waybill.domain.accounts import (
    ApiAccess,
    Band,
    CourierAccount,
    Method,
    NewAccount,
    Sender,
    WaybillSettings,
)

_ACCOUNT = """
    SELECT account_id, seller_id, courier_code, name, method, template_key, sender,
           api_base_url, api_key_id, disabled, created_at
    FROM courier_accounts
"""
_BAND = """
    SELECT band_id, account_id, band_start, band_end, next_serial, low_water, low_warned,
           created_at
    FROM courier_account_bands
"""


def _account(row: asyncpg.Record) -> CourierAccount:
    api = None
    if row["api_base_url"] is not None:
        api = ApiAccess(base_url=row["api_base_url"], key_id=row["api_key_id"])
    return CourierAccount(
        account_id=row["account_id"],
        seller_id=row["seller_id"],
        courier_code=row["courier_code"],
        name=row["name"],
        method=Method(row["method"]),
        template_key=row["template_key"],
        sender=Sender(**json.loads(row["sender"])),
        api=api,
        disabled=row["disabled"],
        created_at=row["created_at"],
    )


def _band(row: asyncpg.Record) -> Band:
    return Band(
        band_id=row["band_id"],
        account_id=row["account_id"],
        start=row["band_start"],
        end=row["band_end"],
        next_serial=row["next_serial"],
        low_water=row["low_water"],
        low_warned=row["low_warned"],
        created_at=row["created_at"],
    )


async def next_account_id(conn: Conn) -> int:
    """The id the next account gets: its secret is sealed for that id before the insert."""
    value: int = await conn.fetchval(
        "SELECT nextval(pg_get_serial_sequence('courier_accounts', 'account_id'))"
    )
    return value


async def insert(
    conn: Conn, account_id: int, account: NewAccount, sealed_secret: bytes | None
) -> CourierAccount | None:
    """The stored account, or None when the seller already has an account of that name."""
    row = await conn.fetchrow(
        """
        INSERT INTO courier_accounts (account_id, seller_id, courier_code, name, method,
            template_key, sender, api_base_url, api_key_id, api_secret)
        VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9, $10)
        ON CONFLICT (seller_id, name) DO NOTHING
        RETURNING account_id, seller_id, courier_code, name, method, template_key, sender,
                  api_base_url, api_key_id, disabled, created_at
        """,
        account_id,
        account.seller_id,
        account.courier_code,
        account.name,
        account.method.value,
        account.template_key,
        json.dumps(account.sender.__dict__, ensure_ascii=False),
        account.api.base_url if account.api else None,
        account.api.key_id if account.api else None,
        sealed_secret,
    )
    return _account(row) if row else None


async def get(
    conn: Conn, seller_id: str, account_id: int, *, lock: bool = False
) -> CourierAccount | None:
    row = await conn.fetchrow(
        _ACCOUNT + " WHERE seller_id = $1 AND account_id = $2" + (" FOR UPDATE" if lock else ""),
        seller_id,
        account_id,
    )
    return _account(row) if row else None


async def list_for(conn: Conn, seller_id: str, limit: int, offset: int) -> list[CourierAccount]:
    rows = await conn.fetch(
        _ACCOUNT + " WHERE seller_id = $1 ORDER BY account_id LIMIT $2 OFFSET $3",
        seller_id,
        limit,
        offset,
    )
    return [_account(r) for r in rows]


async def sealed_secret(conn: Conn, account_id: int) -> bytes | None:
    value: bytes | None = await conn.fetchval(
        "SELECT api_secret FROM courier_accounts WHERE account_id = $1", account_id
    )
    return value


async def disable(conn: Conn, account_id: int) -> None:
    await conn.execute(
        "UPDATE courier_accounts SET disabled = true WHERE account_id = $1", account_id
    )


async def courier_of(conn: Conn, account_id: int) -> str | None:
    value: str | None = await conn.fetchval(
        "SELECT courier_code FROM courier_accounts WHERE account_id = $1", account_id
    )
    return value


async def bands(conn: Conn, account_id: int, *, lock: bool = False) -> list[Band]:
    """The account's bands in creation order; lock=True holds them until the transaction ends,
    so concurrent claims on one account take turns and never share a serial."""
    rows = await conn.fetch(
        _BAND
        + " WHERE account_id = $1 ORDER BY created_at, band_id"
        + (" FOR UPDATE" if lock else ""),
        account_id,
    )
    return [_band(r) for r in rows]


async def insert_band(conn: Conn, account_id: int, start: int, end: int, low_water: int) -> Band:
    row = await conn.fetchrow(
        """
        INSERT INTO courier_account_bands (account_id, band_start, band_end, next_serial,
                                           low_water)
        VALUES ($1, $2, $3, $2, $4)
        RETURNING band_id, account_id, band_start, band_end, next_serial, low_water,
                  low_warned, created_at
        """,
        account_id,
        start,
        end,
        low_water,
    )
    assert row is not None
    return _band(row)


async def save_bands(conn: Conn, changed: list[Band]) -> None:
    """Write back the claimed bands' next serial and warning flag in one statement."""
    await conn.execute(
        """
        UPDATE courier_account_bands b
           SET next_serial = c.next_serial, low_warned = c.low_warned
          FROM unnest($1::bigint[], $2::bigint[], $3::boolean[])
               AS c(band_id, next_serial, low_warned)
         WHERE b.band_id = c.band_id
        """,
        [b.band_id for b in changed],
        [b.next_serial for b in changed],
        [b.low_warned for b in changed],
    )


async def settings(conn: Conn, seller_id: str) -> WaybillSettings | None:
    row = await conn.fetchrow(
        """
        SELECT seller_id, default_account_id, pre_shipment_push, updated_at
        FROM waybill_settings WHERE seller_id = $1
        """,
        seller_id,
    )
    return WaybillSettings(**dict(row)) if row else None


async def save_settings(
    conn: Conn, seller_id: str, default_account_id: int | None, pre_shipment_push: bool
) -> WaybillSettings:
    row = await conn.fetchrow(
        """
        INSERT INTO waybill_settings (seller_id, default_account_id, pre_shipment_push)
        VALUES ($1, $2, $3)
        ON CONFLICT (seller_id) DO UPDATE
           SET default_account_id = EXCLUDED.default_account_id,
               pre_shipment_push = EXCLUDED.pre_shipment_push,
               updated_at = now()
        RETURNING seller_id, default_account_id, pre_shipment_push, updated_at
        """,
        seller_id,
        default_account_id,
        pre_shipment_push,
    )
    assert row is not None
    return WaybillSettings(**dict(row))
