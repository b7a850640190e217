"""Matcher HTTP API: the unmatched queue and adding a mapping (which releases held orders)."""

from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from packline_contracts import Marketplace, SkuLine
from packline_matcher.adapters import repository as repo
from packline_matcher.service_layer import use_cases
from packline_runtime.service import ServiceRuntime


class NewMapping(BaseModel):
    seller_id: str = Field(min_length=1, max_length=64)
    marketplace: Marketplace
    listing_id: str = Field(min_length=1, max_length=64)
    option_id: str = Field(default="", max_length=64)
    skus: tuple[SkuLine, ...] = Field(min_length=1, description="Per one unit of the listing")
    created_by: str = Field(default="console", max_length=64)


def router(runtime: ServiceRuntime) -> APIRouter:
    api = APIRouter(tags=["matching"])

    @api.post("/mappings", status_code=201)
    async def add_mapping(body: NewMapping) -> dict[str, Any]:
        key = (body.seller_id, body.marketplace.value, body.listing_id, body.option_id)
        async with runtime.unit_of_work() as uow:
            released = await use_cases.add_mapping(uow, key, body.skus, body.created_by)
        return {"mapping": list(key), "released_orders": released}

    @api.get("/unmatched")
    async def unmatched(
        seller_id: Annotated[str | None, Query()] = None, limit: int = 200
    ) -> list[dict[str, Any]]:
        async with runtime.pool.acquire() as conn:
            return await repo.unmatched(conn, seller_id, limit)

    @api.get("/stats")
    async def stats() -> dict[str, int]:
        async with runtime.pool.acquire() as conn:
            return await repo.stats(conn)

    return api
