"""Matcher HTTP API: the unmatched queue, mappings (add, review, delete) and decisions."""

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query
from pydantic import BaseModel, Field

from packline_contracts import Marketplace, SkuLine
from packline_matcher.adapters import repository as repo
from packline_matcher.adapters import unmatching
from packline_matcher.service_layer import queue, use_cases
from packline_runtime.paging import Limit, Offset, Page, page
from packline_runtime.service import ServiceRuntime

Seller = Annotated[str, Query(min_length=1, max_length=64)]


class NewMapping(BaseModel):
    seller_id: str = Field(min_length=1, max_length=64)
    marketplace: Marketplace
    listing_id: str = Field(min_length=1, max_length=64)
    option_id: str = Field(default="", max_length=64)
    skus: tuple[SkuLine, ...] = Field(min_length=1, description="Per one unit of the listing")
    created_by: str = Field(default="console", min_length=1, max_length=64)
    reason: str = Field(default="", max_length=300)


def router(runtime: ServiceRuntime) -> APIRouter:
    api = APIRouter(tags=["matching"])

    @api.post("/mappings", status_code=201)
    async def add_mapping(body: NewMapping) -> dict[str, Any]:
        """매칭: map a listing+option to SKUs; every order waiting for it is released."""
        if len({s.sku for s in body.skus}) != len(body.skus):
            raise HTTPException(422, "a SKU appears twice in skus; give it once with its quantity")
        key = (body.seller_id, body.marketplace.value, body.listing_id, body.option_id)
        try:
            async with runtime.unit_of_work() as uow:
                released = await use_cases.add_mapping(
                    uow, key, body.skus, body.created_by, body.reason
                )
        except use_cases.UnknownSkus as exc:
            raise HTTPException(422, str(exc)) from exc
        return {"mapping": list(key), "released_orders": released}

    @api.get("/mappings")
    async def list_mappings(
        seller_id: Seller,
        marketplace: Marketplace | None = None,
        listing_id: Annotated[str | None, Query(max_length=64)] = None,
        sku: Annotated[str | None, Query(max_length=64)] = None,
        limit: Limit = 500,
        offset: Offset = 0,
    ) -> Page[dict[str, Any]]:
        mp = marketplace.value if marketplace else None
        async with runtime.pool.acquire() as conn:
            rows = await unmatching.list_mappings(
                conn, seller_id, mp, listing_id, sku, limit + 1, offset
            )
        return page(rows, limit, offset)

    @api.delete("/mappings")
    async def delete_mapping(
        seller_id: Seller,
        marketplace: Marketplace,
        listing_id: Annotated[str, Query(min_length=1, max_length=64)],
        decided_by: Annotated[str, Query(min_length=1, max_length=64)],
        reason: Annotated[str, Query(min_length=1, max_length=300)],
        option_id: Annotated[str, Query(max_length=64)] = "",
    ) -> dict[str, Any]:
        """Delete a wrong mapping: orders it matched that are not allocated go back to the queue."""
        key = (seller_id, marketplace.value, listing_id, option_id)
        try:
            async with runtime.unit_of_work() as uow:
                orders = await use_cases.delete_mapping(uow, key, decided_by, reason)
        except use_cases.MappingNotFound as exc:
            raise HTTPException(404, str(exc)) from exc
        return {"deleted": list(key), "unmatched_orders": orders}

    @api.get("/unmatched")
    async def unmatched(
        seller_id: Annotated[str | None, Query(max_length=64)] = None,
        limit: Limit = 200,
        offset: Offset = 0,
        suggestions: Annotated[int, Query(ge=0, le=20)] = 5,
    ) -> Page[dict[str, Any]]:
        async with runtime.pool.acquire() as conn:
            rows = await queue.unmatched(conn, seller_id, limit + 1, suggestions, offset)
        return page(rows, limit, offset)

    @api.get("/stats")
    async def stats() -> dict[str, int]:
        async with runtime.pool.acquire() as conn:
            return await repo.stats(conn)

    return api
