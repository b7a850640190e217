"""Marketplace accounts (판매처 계정 관리): add, list, enable/disable. Keys go in, never out."""

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Body, HTTPException, Query
from pydantic import BaseModel, ConfigDict, Field

from packline_collector.adapters import accounts_repository as repo
from packline_collector.domain.accounts import NewAccount, view
from packline_runtime.paging import Limit, Offset, Page, page
from packline_runtime.service import ServiceRuntime


class AccountChange(BaseModel):
    model_config = ConfigDict(extra="forbid")
    enabled: bool | None = None
    interval_minutes: int | None = Field(default=None, strict=True, ge=1, le=1440)


def router(runtime: ServiceRuntime) -> APIRouter:
    api = APIRouter(prefix="/accounts", tags=["marketplace accounts"])

    @api.post("", status_code=201)
    async def add_account(account: Annotated[NewAccount, Body()]) -> dict[str, Any]:
        """Collected automatically every `interval_minutes` (paid orders of the last 12 hours)."""
        async with runtime.pool.acquire() as conn:
            row = await repo.add(conn, account, account.base_url.rstrip("/"))
        if row is None:
            raise HTTPException(
                409,
                f"seller {account.seller_id} already has {account.marketplace} account {account.login_id}",
            )
        return view(row)

    @api.get("")
    async def list_accounts(
        seller_id: Annotated[str | None, Query(max_length=64)] = None,
        limit: Limit = 100,
        offset: Offset = 0,
    ) -> Page[dict[str, Any]]:
        async with runtime.pool.acquire() as conn:
            rows = await repo.list_for(conn, seller_id, limit + 1, offset)
        return page([view(r) for r in rows], limit, offset)

    @api.patch("/{account_id}")
    async def change_account(
        account_id: uuid.UUID, change: Annotated[AccountChange, Body()]
    ) -> dict[str, Any]:
        """Disable (enabled=false) stops automatic and manual collection of the account."""
        async with runtime.pool.acquire() as conn:
            row = await repo.change(conn, account_id, change.enabled, change.interval_minutes)
        if row is None:
            raise HTTPException(404, f"no account {account_id}")
        return view(row)

    return api
