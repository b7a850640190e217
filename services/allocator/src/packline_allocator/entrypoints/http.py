"""Allocator HTTP API: stock levels (재고), the 할당처리 button, counts."""

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query
from pydantic import BaseModel, Field

from packline_allocator.adapters import repository as repo
from packline_allocator.adapters import stats as counts
from packline_allocator.service_layer import use_cases
from packline_runtime import auth
from packline_runtime.paging import Limit, Offset, Page, page
from packline_runtime.service import ServiceRuntime
from packline_runtime.tokens import Role

MAX_ON_HAND = 100_000_000  # the column is an integer; no warehouse holds more of one SKU


class StockLevel(BaseModel):
    sku: str = Field(min_length=1, max_length=64)
    on_hand: int = Field(
        strict=True, ge=0, le=MAX_ON_HAND, description="Units on hand (≤ 100,000,000)"
    )


SELLER = "Default: the token's seller; naming another seller is answered 404"


class SetStock(BaseModel):
    seller_id: str | None = Field(default=None, min_length=1, max_length=64, description=SELLER)
    items: tuple[StockLevel, ...] = Field(min_length=1, max_length=10_000)


class StockRow(BaseModel):
    sku: str
    on_hand: int
    allocated: int
    available: int
    updated_at: datetime


class WaveRequest(BaseModel):
    seller_id: str | None = Field(default=None, min_length=1, max_length=64, description=SELLER)


def router(runtime: ServiceRuntime) -> APIRouter:
    api = APIRouter(tags=["allocation"])

    @api.put("/stock")
    async def set_stock(body: SetStock, caller: auth.CallerDep) -> dict[str, Any]:
        seller = auth.own_seller(caller, body.seller_id)
        levels = {item.sku: item.on_hand for item in body.items}
        if len(levels) != len(body.items):
            raise HTTPException(422, "a SKU appears twice in items")
        try:
            async with runtime.unit_of_work() as uow:
                allocated = await use_cases.set_stock(uow, seller, levels)
        except repo.StockBelowReserved as exc:
            raise HTTPException(409, str(exc)) from exc
        return {"updated": len(levels), "bundles_allocated": allocated}

    @api.get("/stock")
    async def get_stock(
        caller: auth.CallerDep,
        seller_id: Annotated[str | None, Query(min_length=1, max_length=64)] = None,
        limit: Limit = 1000,
        offset: Offset = 0,
    ) -> Page[StockRow]:
        seller = auth.own_seller(caller, seller_id)
        async with runtime.pool.acquire() as conn:
            rows = await repo.stock_levels(conn, seller, limit + 1, offset)
        return page([StockRow.model_validate(r) for r in rows], limit, offset)

    @api.post("/allocation/waves")
    async def run_wave(caller: auth.CallerDep, body: WaveRequest | None = None) -> dict[str, int]:
        """할당처리: allocate the token's seller's waiting bundles now."""
        seller = auth.own_seller(caller, body.seller_id if body else None)
        async with runtime.unit_of_work() as uow:
            return {"bundles_allocated": await use_cases.run_wave_now(uow, seller)}

    @api.get("/stats")
    async def stats(caller: auth.CallerDep) -> dict[str, int]:
        """The token's seller's bundles per status; for the sre role, every seller's."""
        seller = None if caller.role is Role.SRE else caller.seller_id
        async with runtime.pool.acquire() as conn:
            return await counts.stats(conn, seller)

    return api
