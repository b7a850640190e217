"""Allocator HTTP API: stock levels (재고), the 할당처리 button, counts."""

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query
from pydantic import BaseModel, Field

from packline_allocator.adapters import repository as repo
from packline_allocator.service_layer import use_cases
from packline_runtime.paging import Limit, Offset, Page, page
from packline_runtime.service import ServiceRuntime

MAX_ON_HAND = 100_000_000  # the column is an integer; no warehouse holds more of one SKU


class StockLevel(BaseModel):
    sku: str = Field(min_length=1, max_length=64)
    on_hand: int = Field(
        strict=True, ge=0, le=MAX_ON_HAND, description="Units on hand (≤ 100,000,000)"
    )


class SetStock(BaseModel):
    seller_id: str = Field(min_length=1, max_length=64)
    items: tuple[StockLevel, ...] = Field(min_length=1, max_length=10_000)


class StockRow(BaseModel):
    sku: str
    on_hand: int
    allocated: int
    available: int
    updated_at: datetime


class WaveRequest(BaseModel):
    seller_id: str = Field(min_length=1, max_length=64)


def router(runtime: ServiceRuntime) -> APIRouter:
    api = APIRouter(tags=["allocation"])

    @api.put("/stock")
    async def set_stock(body: SetStock) -> dict[str, Any]:
        levels = {item.sku: item.on_hand for item in body.items}
        if len(levels) != len(body.items):
            raise HTTPException(422, "a SKU appears twice in items")
        try:
            async with runtime.unit_of_work() as uow:
                allocated = await use_cases.set_stock(uow, body.seller_id, levels)
        except repo.StockBelowReserved as exc:
            raise HTTPException(409, str(exc)) from exc
        return {"updated": len(levels), "bundles_allocated": allocated}

    @api.get("/stock")
    async def get_stock(
        seller_id: Annotated[str, Query(min_length=1, max_length=64)],
        limit: Limit = 1000,
        offset: Offset = 0,
    ) -> Page[StockRow]:
        async with runtime.pool.acquire() as conn:
            rows = await repo.stock_levels(conn, seller_id, limit + 1, offset)
        return page([StockRow.model_validate(r) for r in rows], limit, offset)

    @api.post("/allocation/waves")
    async def run_wave(body: WaveRequest) -> dict[str, int]:
        async with runtime.unit_of_work() as uow:
            return {"bundles_allocated": await use_cases.run_wave_now(uow, body.seller_id)}

    @api.get("/stats")
    async def stats() -> dict[str, int]:
        async with runtime.pool.acquire() as conn:
            return await repo.stats(conn)

    return api
