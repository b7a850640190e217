"""Marketplace accounts (판매처 계정 관리): add, list, enable/disable. Keys go in, never out."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Body, HTTPException, Query
from pydantic import BaseModel, ConfigDict, Field

from packline_collector.adapters import accounts_repository as repo
from packline_collector.domain.accounts import NewAccount, view
from packline_collector.domain.endpoints import EndpointPolicy, UnsafeBaseUrl
from packline_collector.entrypoints.account_views import AccountView, shown
from packline_collector.service_layer import account_keys
from packline_runtime import auth
from packline_runtime.paging import Limit, Offset, Page, page
from packline_runtime.secret_box import SecretBox, SecretsNotConfigured
from packline_runtime.service import ServiceRuntime


class AccountChange(BaseModel):
    model_config = ConfigDict(extra="forbid")
    enabled: bool | None = None
    interval_minutes: int | None = Field(default=None, strict=True, ge=1, le=1440)
    base_url: str | None = Field(
        default=None, max_length=300, description="Empty: the real API host"
    )


def _checked_base_url(endpoints: EndpointPolicy, marketplace: str, base_url: str) -> str:
    """The base_url to store ("" = the official host), or a 422 saying what is wrong with it."""
    if base_url == "":
        return ""
    try:
        return endpoints.base_url(marketplace, base_url)
    except UnsafeBaseUrl as exc:
        raise HTTPException(
            422,
            {
                "message": "invalid input: body.base_url",
                "errors": [{"loc": ["body", "base_url"], "msg": str(exc)}],
            },
        ) from None


def router(runtime: ServiceRuntime, endpoints: EndpointPolicy, box: SecretBox | None) -> APIRouter:
    api = APIRouter(prefix="/accounts", tags=["marketplace accounts"])

    @api.post("", status_code=201)
    async def add_account(
        caller: auth.OwnerDep, account: Annotated[NewAccount, Body()]
    ) -> AccountView:
        """The seller's owner only. Collected automatically every `interval_minutes` (paid
        orders of the last 12 hours); `seller_id` may be omitted (the signed-in seller's).

        `base_url` must be empty (the marketplace's API host), that host over https, or a
        host:port allowed in the collector's `PACKLINE_MARKETPLACE_ALLOWED_HOSTS`; else 422.
        The keys are stored encrypted; 503 when the collector has no `PACKLINE_SECRETS_KEY`.
        """
        seller = auth.own_seller(caller, account.seller_id or None)
        account = account.model_copy(update={"seller_id": seller})
        base_url = _checked_base_url(endpoints, account.marketplace, account.base_url)
        async with runtime.pool.acquire() as conn:
            try:
                row = await account_keys.add_account(conn, box, account, base_url)
            except SecretsNotConfigured as exc:
                raise HTTPException(503, str(exc)) from None
        if row is None:
            raise HTTPException(
                409,
                f"seller {account.seller_id} already has {account.marketplace} account {account.login_id}",
            )
        return shown(view(row))

    @api.get("")
    async def list_accounts(
        caller: auth.CallerDep,
        seller_id: Annotated[str | None, Query(min_length=1, max_length=64)] = None,
        limit: Limit = 100,
        offset: Offset = 0,
    ) -> Page[AccountView]:
        """The seller's accounts, keys masked."""
        seller = auth.own_seller(caller, seller_id)
        async with runtime.pool.acquire() as conn:
            rows = await repo.list_for(conn, seller, limit + 1, offset)
        return page([shown(view(r)) for r in rows], limit, offset)

    @api.patch("/{account_id}")
    async def change_account(
        caller: auth.OwnerDep, account_id: uuid.UUID, change: Annotated[AccountChange, Body()]
    ) -> AccountView:
        """The seller's owner only; another seller's account is answered 404. Disable (enabled=false) stops automatic and manual collection of the account; a new
        `base_url` is checked as when the account was added."""
        async with runtime.pool.acquire() as conn:
            base_url = None
            if change.base_url is not None:
                marketplace = await repo.marketplace_of(conn, caller.seller_id, account_id)
                if marketplace is None:
                    raise HTTPException(404, f"no account {account_id}")
                base_url = _checked_base_url(endpoints, marketplace, change.base_url)
            row = await repo.change(
                conn,
                caller.seller_id,
                account_id,
                change.enabled,
                change.interval_minutes,
                base_url,
            )
        if row is None:
            raise HTTPException(404, f"no account {account_id}")
        return shown(view(row))

    return api
