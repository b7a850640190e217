"""SQL for marketplace accounts: add, list, change, and lease them for collection; keys go in
and out sealed only (the plaintext columns of rows stored before migration 012 are read once,
to seal them)."""

import uuid
from datetime import datetime
from typing import Any, NamedTuple

from packline_collector.domain.accounts import NewAccount, SealedKeys
from packline_runtime.db import Conn

COLUMNS = """account_id, seller_id, marketplace, name, login_id, access_key_sealed,
             secret_sealed, access_key_hint, base_url, interval_minutes, enabled,
             next_collect_at, last_collected_at, last_error, last_error_at, created_at,
             claims_read_to, gmarket_seller_id, auction_seller_id"""


class PlaintextKeys(NamedTuple):
    """The keys of an account stored before they were sealed."""

    account_id: uuid.UUID
    access_key: str
    secret: str


async def add(
    conn: Conn,
    account_id: uuid.UUID,
    account: NewAccount,
    base_url: str,
    keys: SealedKeys,
    access_key_hint: str,
) -> dict[str, Any] | None:
    """None when the seller already has this account (same marketplace and vendorId/client_id)."""
    row = await conn.fetchrow(
        f"""
        INSERT INTO marketplace_accounts (account_id, seller_id, marketplace, name, login_id,
                                          access_key_sealed, secret_sealed, access_key_hint,
                                          base_url, interval_minutes, gmarket_seller_id,
                                          auction_seller_id)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
        ON CONFLICT (seller_id, marketplace, login_id) DO NOTHING
        RETURNING {COLUMNS}
        """,
        account_id,
        account.seller_id,
        account.marketplace,
        account.name,
        account.login_id,
        keys.access_key,
        keys.secret,
        access_key_hint,
        base_url,
        account.interval_minutes,
        account.gmarket_seller_id,
        account.auction_seller_id,
    )
    return dict(row) if row else None


async def any_account(conn: Conn) -> bool:
    found: bool = await conn.fetchval("SELECT EXISTS (SELECT 1 FROM marketplace_accounts)")
    return found


async def plaintext_keys(conn: Conn) -> list[PlaintextKeys]:
    """Accounts whose keys are still plaintext, locked until the caller's transaction ends."""
    rows = await conn.fetch(
        """
        SELECT account_id, coalesce(access_key, '') AS access_key, coalesce(secret, '') AS secret
        FROM marketplace_accounts WHERE access_key IS NOT NULL OR secret IS NOT NULL
        ORDER BY account_id FOR UPDATE
        """
    )
    return [PlaintextKeys(r["account_id"], r["access_key"], r["secret"]) for r in rows]


async def store_sealed(
    conn: Conn, account_id: uuid.UUID, keys: SealedKeys, access_key_hint: str
) -> None:
    """The sealed keys in place of the plaintext ones, which are emptied."""
    await conn.execute(
        """
        UPDATE marketplace_accounts
        SET access_key_sealed = $2, secret_sealed = $3, access_key_hint = $4,
            access_key = NULL, secret = NULL
        WHERE account_id = $1
        """,
        account_id,
        keys.access_key,
        keys.secret,
        access_key_hint,
    )


async def list_for(
    conn: Conn, seller_id: str | None, limit: int = 1000, offset: int = 0
) -> list[dict[str, Any]]:
    rows = await conn.fetch(
        f"SELECT {COLUMNS} FROM marketplace_accounts WHERE $1::text IS NULL OR seller_id = $1 ORDER BY created_at, account_id LIMIT $2 OFFSET $3",
        seller_id,
        limit,
        offset,
    )
    return [dict(r) for r in rows]


async def marketplace_of(conn: Conn, seller_id: str, account_id: uuid.UUID) -> str | None:
    """The marketplace of the seller's account; None for a missing one or another seller's."""
    found: str | None = await conn.fetchval(
        "SELECT marketplace FROM marketplace_accounts WHERE account_id = $1 AND seller_id = $2",
        account_id,
        seller_id,
    )
    return found


async def change(
    conn: Conn,
    seller_id: str,
    account_id: uuid.UUID,
    enabled: bool | None,
    interval_minutes: int | None,
    base_url: str | None = None,
) -> dict[str, Any] | None:
    row = await conn.fetchrow(
        f"""
        UPDATE marketplace_accounts
        SET enabled = coalesce($2, enabled), interval_minutes = coalesce($3, interval_minutes),
            base_url = coalesce($4, base_url),
            next_collect_at = CASE WHEN $2 AND NOT enabled THEN now() ELSE next_collect_at END
        WHERE account_id = $1 AND seller_id = $5 RETURNING {COLUMNS}
        """,
        account_id,
        enabled,
        interval_minutes,
        base_url,
        seller_id,
    )
    return dict(row) if row else None


async def lease_due(
    conn: Conn, owner: str, lease_seconds: float, limit: int
) -> list[dict[str, Any]]:
    """Enabled accounts whose turn has come and that no replica holds, leased to `owner`."""
    rows = await conn.fetch(
        f"""
        UPDATE marketplace_accounts SET lease_owner = $1, lease_until = now() + make_interval(secs => $2)
        WHERE account_id IN (
            SELECT account_id FROM marketplace_accounts
            WHERE enabled AND next_collect_at <= now()
              AND (lease_until IS NULL OR lease_until < now())
            ORDER BY next_collect_at LIMIT $3 FOR UPDATE SKIP LOCKED)
        RETURNING {COLUMNS}
        """,
        owner,
        lease_seconds,
        limit,
    )
    return [dict(r) for r in rows]


async def lease_one(
    conn: Conn, account_id: uuid.UUID, owner: str, lease_seconds: float
) -> dict[str, Any] | None:
    row = await conn.fetchrow(
        f"""
        UPDATE marketplace_accounts SET lease_owner = $2, lease_until = now() + make_interval(secs => $3)
        WHERE account_id = $1 AND enabled AND (lease_until IS NULL OR lease_until < now())
        RETURNING {COLUMNS}
        """,
        account_id,
        owner,
        lease_seconds,
    )
    return dict(row) if row else None


async def release(
    conn: Conn, account_id: uuid.UUID, owner: str, error: str, reschedule: bool
) -> None:
    await conn.execute(
        """
        UPDATE marketplace_accounts
        SET lease_owner = NULL, lease_until = NULL,
            last_collected_at = CASE WHEN $3 = '' THEN now() ELSE last_collected_at END,
            last_error = $3, last_error_at = CASE WHEN $3 = '' THEN last_error_at ELSE now() END,
            next_collect_at = CASE WHEN $4 THEN now() + make_interval(mins => interval_minutes)
                                   ELSE next_collect_at END
        WHERE account_id = $1 AND lease_owner = $2
        """,
        account_id,
        owner,
        error[:1000],
        reschedule,
    )


async def claims_read(
    conn: Conn, account_id: uuid.UUID, read_from: datetime, read_to: datetime
) -> None:
    """Claims were read in full over [read_from, read_to]: the cursor moves to `read_to` if the
    read began at or before it (no hole is left behind it), and never backwards."""
    await conn.execute(
        """
        UPDATE marketplace_accounts SET claims_read_to = $3
        WHERE account_id = $1
          AND (claims_read_to IS NULL OR (claims_read_to >= $2 AND claims_read_to < $3))
        """,
        account_id,
        read_from,
        read_to,
    )
