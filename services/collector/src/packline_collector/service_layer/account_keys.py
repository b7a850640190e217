"""Marketplace keys at rest (design.md § 7): sealed when an account is added, and the plaintext
keys of accounts stored before migration 012 sealed once at startup. Nothing here opens a key:
only the gateways do, right before a marketplace call."""

import logging
import uuid
from typing import Any

from packline_collector.adapters import accounts_repository as repo
from packline_collector.domain.accounts import NewAccount, SealedKeys, key_context, mask
from packline_runtime import secret_box
from packline_runtime.db import Conn
from packline_runtime.secret_box import SecretBox

log = logging.getLogger(__name__)


def _sealed(box: SecretBox, account_id: uuid.UUID, access_key: str, secret: str) -> SealedKeys:
    return SealedKeys(
        secret=box.seal(secret, key_context(account_id, "secret")),
        access_key=(
            box.seal(access_key, key_context(account_id, "access_key")) if access_key else None
        ),
    )


def _hint(access_key: str) -> str:
    return mask(access_key) if access_key else ""


async def add_account(
    conn: Conn, box: SecretBox | None, account: NewAccount, base_url: str
) -> dict[str, Any] | None:
    """Store the account with its keys sealed for its row; None when the seller already has it,
    SecretsNotConfigured when no secrets key is set."""
    sealer = secret_box.required(box)
    account_id = uuid.uuid4()
    access_key = account.access_key.get_secret_value()
    keys = _sealed(sealer, account_id, access_key, account.secret)
    return await repo.add(conn, account_id, account, base_url, keys, _hint(access_key))


async def seal_stored_keys(conn: Conn, box: SecretBox | None) -> int:
    """Seal the keys of accounts stored in plaintext (before migration 012) and empty those
    columns; returns how many accounts were sealed. SecretsNotConfigured when accounts exist
    and no secrets key is set: the collector could not use their keys."""
    async with conn.transaction():
        if box is None:
            if await repo.any_account(conn):
                raise secret_box.SecretsNotConfigured()
            return 0
        plain = await repo.plaintext_keys(conn)
        for stored in plain:
            keys = _sealed(box, stored.account_id, stored.access_key, stored.secret)
            await repo.store_sealed(conn, stored.account_id, keys, _hint(stored.access_key))
    if plain:
        log.info("sealed the marketplace keys of %d account(s) stored in plaintext", len(plain))
    return len(plain)
