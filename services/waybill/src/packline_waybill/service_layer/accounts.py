"""Use cases of courier accounts: create, disable, add bands, claim numbers, seller settings.

Each change a person makes is recorded as a decision with who made it. Functions take the
connection the caller's transaction runs on; their own transaction nests inside it.
"""

import logging
from dataclasses import replace

from packline_runtime import decisions, secret_box
from packline_runtime.db import Conn
from packline_runtime.secret_box import SecretBox
from packline_waybill.adapters import accounts as store
from packline_waybill.domain.accounts import (
    AccountConflict,
    AccountInvalid,
    AccountNotFound,
    Band,
    CourierAccount,
    NewAccount,
    WaybillSettings,
    check_band,
    claim_serials,
    numbers,
    secret_context,
)

log = logging.getLogger(__name__)


async def create_account(
    conn: Conn, box: SecretBox | None, new: NewAccount, by: str
) -> CourierAccount:
    """Store a new account; its API secret is sealed for the new row (SecretsNotConfigured
    when a secret comes and no key is set)."""
    account = new.checked()
    sealer = secret_box.required(box) if account.api is not None else None
    async with conn.transaction():
        account_id = await store.next_account_id(conn)
        sealed = None
        if sealer is not None and account.api is not None:
            sealed = sealer.seal(account.api.secret or "", secret_context(account_id))
        stored = await store.insert(conn, account_id, account, sealed)
        if stored is None:
            raise AccountConflict(
                f"seller {account.seller_id} already has a courier account named {account.name!r}"
            )
        subject = {"account_id": account_id, "courier_code": account.courier_code}
        await decisions.record(
            conn, account.seller_id, "courier_account.create", subject, by, account.name
        )
    return stored


async def get_account(conn: Conn, seller_id: str, account_id: int) -> CourierAccount:
    account = await store.get(conn, seller_id, account_id)
    if account is None:
        raise AccountNotFound(f"seller {seller_id} has no courier account {account_id}")
    return account


async def list_accounts(
    conn: Conn, seller_id: str, limit: int, offset: int
) -> list[CourierAccount]:
    return await store.list_for(conn, seller_id, limit, offset)


async def disable_account(conn: Conn, seller_id: str, account_id: int, by: str) -> CourierAccount:
    """Disabled accounts issue nothing more; the seller's default account cannot be disabled
    until another default is chosen (parcels would silently fall back to another band)."""
    async with conn.transaction():
        account = await store.get(conn, seller_id, account_id, lock=True)
        if account is None:
            raise AccountNotFound(f"seller {seller_id} has no courier account {account_id}")
        current = await store.settings(conn, seller_id)
        if current is not None and current.default_account_id == account_id:
            raise AccountConflict(
                f"courier account {account_id} is the seller's default; choose another default"
                " (PUT /waybill-settings) before disabling it"
            )
        if not account.disabled:
            await store.disable(conn, account_id)
            subject = {"account_id": account_id}
            await decisions.record(conn, seller_id, "courier_account.disable", subject, by, "")
    return await get_account(conn, seller_id, account_id)


async def add_band(
    conn: Conn, seller_id: str, account_id: int, start: int, end: int, low_water: int, by: str
) -> Band:
    """A new band (대역) for the account; refused when it overlaps one of the account's."""
    async with conn.transaction():
        # the account row lock makes concurrent additions check overlap one after the other
        account = await store.get(conn, seller_id, account_id, lock=True)
        if account is None:
            raise AccountNotFound(f"seller {seller_id} has no courier account {account_id}")
        check_band(account.courier_code, start, end, await store.bands(conn, account_id))
        band = await store.insert_band(conn, account_id, start, end, low_water)
        subject = {"account_id": account_id, "band_id": band.band_id, "start": start, "end": end}
        await decisions.record(conn, seller_id, "courier_account.add_band", subject, by, "")
    return band


async def band_state(conn: Conn, seller_id: str, account_id: int) -> list[Band]:
    await get_account(conn, seller_id, account_id)
    return await store.bands(conn, account_id)


async def claim(conn: Conn, account_id: int, count: int) -> list[str]:
    """`count` tracking numbers from the account's bands, atomically (BandExhausted when the
    bands together lack them; nothing is taken then). Logs once when a band runs low."""
    async with conn.transaction():
        courier_code = await store.courier_of(conn, account_id)
        if courier_code is None:
            raise AccountNotFound(f"no courier account {account_id}")
        taken = claim_serials(account_id, await store.bands(conn, account_id, lock=True), count)
        low = {b.band_id for b in taken.newly_low()}
        changed = [_warned(b) if b.band_id in low else b for b in taken.bands]
        await store.save_bands(conn, changed)
    for band in changed:
        if band.band_id in low:
            log.warning(
                "courier account %s band %s runs low: %d number(s) left (low water %d)",
                account_id,
                band.band_id,
                band.remaining,
                band.low_water,
            )
    return numbers(courier_code, taken.serials)


def _warned(band: Band) -> Band:
    return replace(band, low_warned=True)


async def settings_for(conn: Conn, seller_id: str) -> WaybillSettings:
    found = await store.settings(conn, seller_id)
    return found or WaybillSettings(seller_id, None, False, None)


async def change_settings(
    conn: Conn,
    seller_id: str,
    default_account_id: int | None,
    pre_shipment_push: bool,
    by: str,
) -> WaybillSettings:
    async with conn.transaction():
        if default_account_id is not None:
            account = await store.get(conn, seller_id, default_account_id, lock=True)
            if account is None:
                raise AccountInvalid(
                    "default_account_id",
                    f"seller {seller_id} has no courier account {default_account_id}",
                )
            if account.disabled:
                raise AccountInvalid(
                    "default_account_id", f"courier account {default_account_id} is disabled"
                )
        saved = await store.save_settings(conn, seller_id, default_account_id, pre_shipment_push)
        subject = {
            "default_account_id": default_account_id,
            "pre_shipment_push": pre_shipment_push,
        }
        await decisions.record(conn, seller_id, "waybill_settings.change", subject, by, "")
    return saved


async def account_for(conn: Conn, seller_id: str, box: SecretBox | None) -> CourierAccount | None:
    """The seller's default courier account with its API secret opened, or None (then the
    service's configured default band applies). SecretError when the secret does not open."""
    chosen = await store.settings(conn, seller_id)
    if chosen is None or chosen.default_account_id is None:
        return None
    account = await store.get(conn, seller_id, chosen.default_account_id)
    if account is None or account.disabled:
        return None
    if account.api is None:
        return account
    sealed = await store.sealed_secret(conn, account.account_id)
    assert sealed is not None  # the table's CHECK keeps secret and base_url together
    secret = secret_box.required(box).open(sealed, secret_context(account.account_id))
    return replace(account, api=replace(account.api, secret=secret))


async def opened(
    conn: Conn, seller_id: str, account_id: int, box: SecretBox | None
) -> CourierAccount | None:
    """One of the seller's accounts (disabled ones too: their parcels still print and book)
    with its API secret opened; None when the seller has no such account."""
    account = await store.get(conn, seller_id, account_id)
    if account is None or account.api is None:
        return account
    sealed = await store.sealed_secret(conn, account.account_id)
    assert sealed is not None  # the table's CHECK keeps secret and base_url together
    secret = secret_box.required(box).open(sealed, secret_context(account.account_id))
    return replace(account, api=replace(account.api, secret=secret))
