"""택배 계정 HTTP API: courier accounts, their number bands (대역), sellers' waybill settings.

API secrets go in and are never returned: an account shows its `key_id` and `secret_stored`.
Everything is the token's seller's; another seller's account is answered 404, as if it did not
exist. Creating, disabling, adding bands and changing settings is the owner's (OwnerDep);
the seller's operators and viewers read them. Who changed it is the token's person.
"""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated, Protocol

import asyncpg
from fastapi import APIRouter, Body, HTTPException

from packline_couriers import COURIERS
from packline_runtime import auth
from packline_runtime.db import Conn
from packline_runtime.paging import Limit, Offset, Page, RowId, page
from packline_runtime.secret_box import SecretBox, SecretsNotConfigured
from packline_waybill.domain import accounts as domain
from packline_waybill.domain.endpoints import CourierEndpoints, UnsafeCourierUrl
from packline_waybill.entrypoints.accounts_models import (
    ApiAccessOut,
    BandView,
    Change,
    CourierAccountView,
    CourierView,
    NewBand,
    NewCourierAccount,
    SellerId,
    SenderModel,
    SettingsChange,
    SettingsView,
)
from packline_waybill.service_layer import accounts as use_cases


class HasPool(Protocol):
    @property
    def pool(self) -> asyncpg.Pool: ...


def _view(account: domain.CourierAccount) -> CourierAccountView:
    api = account.api
    return CourierAccountView(
        **{k: v for k, v in account.__dict__.items() if k not in {"sender", "api"}},
        courier_name=COURIERS[account.courier_code].name,
        sender=SenderModel(**account.sender.__dict__),
        api=ApiAccessOut(base_url=api.base_url, key_id=api.key_id, secret_stored=True)
        if api
        else None,
    )


def _band_view(band: domain.Band) -> BandView:
    return BandView(
        band_id=band.band_id,
        start=band.start,
        end=band.end,
        next=band.next_serial,
        remaining=band.remaining,
        low_water=band.low_water,
        low=band.low,
        created_at=band.created_at,
    )


def router(
    runtime: HasPool, box: SecretBox | None, endpoints: CourierEndpoints | None = None
) -> APIRouter:
    policy = endpoints if endpoints is not None else CourierEndpoints()
    api = APIRouter(tags=["courier accounts"])

    @asynccontextmanager
    async def connection() -> AsyncIterator[Conn]:
        """A connection whose domain errors become specific 4xx problems."""
        try:
            async with runtime.pool.acquire() as conn:
                yield conn
        except domain.AccountNotFound as exc:
            raise HTTPException(404, str(exc)) from None
        except domain.AccountConflict as exc:
            raise HTTPException(409, str(exc)) from None
        except domain.AccountInvalid as exc:
            where = ["body", *exc.field.split(".")]
            raise HTTPException(
                422,
                {
                    "message": f"invalid input: {'.'.join(where)}",
                    "errors": [{"loc": where, "msg": str(exc)}],
                },
            ) from None
        except SecretsNotConfigured as exc:
            raise HTTPException(503, str(exc)) from None

    @api.get("/couriers")
    async def couriers() -> list[CourierView]:
        """Courier codes Packline knows, with the lengths of their tracking numbers."""
        return [
            CourierView(code=c.code, name=c.name, lengths=sorted(c.lengths))
            for c in COURIERS.values()
        ]

    @api.post("/courier-accounts", status_code=201)
    async def create(
        account: Annotated[NewCourierAccount, Body()], caller: auth.OwnerDep
    ) -> CourierAccountView:
        """method API needs `api` (422 otherwise); its secret is stored encrypted."""
        seller = auth.own_seller(caller, account.seller_id)
        given = account.api
        if given is not None:
            try:
                given = given.model_copy(update={"base_url": policy.check(given.base_url)})
            except UnsafeCourierUrl as exc:
                where = ["body", "api", "base_url"]
                raise HTTPException(
                    422,
                    {
                        "message": "invalid input: body.api.base_url",
                        "errors": [{"loc": where, "msg": str(exc)}],
                    },
                ) from None
        new = domain.NewAccount(
            seller_id=seller,
            courier_code=account.courier_code,
            name=account.name,
            method=account.method,
            sender=domain.Sender(**account.sender.model_dump()),
            api=domain.ApiAccess(given.base_url, given.key_id, given.secret.get_secret_value())
            if given
            else None,
            template_key=account.template_key,
        )
        async with connection() as conn:
            return _view(await use_cases.create_account(conn, box, new, caller.sub))

    @api.get("/courier-accounts")
    async def list_accounts(
        caller: auth.CallerDep, seller_id: SellerId = None, limit: Limit = 100, offset: Offset = 0
    ) -> Page[CourierAccountView]:
        seller = auth.own_seller(caller, seller_id)
        async with connection() as conn:
            found = await use_cases.list_accounts(conn, seller, limit + 1, offset)
        return page([_view(a) for a in found], limit, offset)

    @api.get("/courier-accounts/{account_id}")
    async def get_account(
        account_id: RowId, caller: auth.CallerDep, seller_id: SellerId = None
    ) -> CourierAccountView:
        seller = auth.own_seller(caller, seller_id)
        async with connection() as conn:
            return _view(await use_cases.get_account(conn, seller, account_id))

    @api.post("/courier-accounts/{account_id}/disable")
    async def disable(
        account_id: RowId,
        caller: auth.OwnerDep,
        seller_id: SellerId = None,
        change: Annotated[Change | None, Body()] = None,
    ) -> CourierAccountView:
        """Refused (409) for the seller's default account: choose another default first."""
        seller = auth.own_seller(caller, seller_id)
        async with connection() as conn:
            return _view(await use_cases.disable_account(conn, seller, account_id, caller.sub))

    @api.post("/courier-accounts/{account_id}/bands", status_code=201)
    async def add_band(
        account_id: RowId,
        band: Annotated[NewBand, Body()],
        caller: auth.OwnerDep,
        seller_id: SellerId = None,
    ) -> BandView:
        """A band (대역) of 11-digit serials; one overlapping another of the account is 422."""
        seller = auth.own_seller(caller, seller_id)
        async with connection() as conn:
            added = await use_cases.add_band(
                conn, seller, account_id, band.start, band.end, band.low_water, caller.sub
            )
        return _band_view(added)

    @api.get("/courier-accounts/{account_id}/bands")
    async def bands(
        account_id: RowId, caller: auth.CallerDep, seller_id: SellerId = None
    ) -> list[BandView]:
        """Each band's remaining numbers; `low` warns that it runs low."""
        seller = auth.own_seller(caller, seller_id)
        async with connection() as conn:
            return [_band_view(b) for b in await use_cases.band_state(conn, seller, account_id)]

    @api.get("/waybill-settings")
    async def get_settings(caller: auth.CallerDep, seller_id: SellerId = None) -> SettingsView:
        seller = auth.own_seller(caller, seller_id)
        async with connection() as conn:
            return SettingsView(**(await use_cases.settings_for(conn, seller)).__dict__)

    @api.put("/waybill-settings")
    async def put_settings(
        change: Annotated[SettingsChange, Body()], caller: auth.OwnerDep
    ) -> SettingsView:
        """default_account_id must be an enabled account of the seller (422 otherwise)."""
        seller = auth.own_seller(caller, change.seller_id)
        async with connection() as conn:
            saved = await use_cases.change_settings(
                conn,
                seller,
                change.default_account_id,
                change.pre_shipment_push,
                caller.sub,
            )
        return SettingsView(**saved.__dict__)

    return api
