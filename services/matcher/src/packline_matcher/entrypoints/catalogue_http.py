"""Matcher HTTP API for the SKU catalogue: JSON and Excel imports (all or nothing), listing."""

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Body, HTTPException, Query
from pydantic import BaseModel, Field

from packline_matcher.adapters import catalogue, catalogue_excel
from packline_matcher.domain.catalogue import CatalogueItem, CatalogueRejected, check_items
from packline_matcher.service_layer import suggestions
from packline_runtime import auth, paging, search
from packline_runtime.service import ServiceRuntime

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SellerId = Annotated[
    str | None,
    Query(min_length=1, max_length=64, description="Default: the signed-in seller; another is 404"),
]
IGNORED_BY = "Ignored: the signed-in person (the token's `sub`) is recorded"


class Item(BaseModel):
    sku: str = Field(min_length=1, max_length=64, description="The seller's SKU code")
    name: str = Field(min_length=1, max_length=300)
    option: str = Field(default="", max_length=300)
    barcode: str = Field(default="", max_length=64)


class CatalogueEntry(BaseModel):
    sku: str
    name: str
    option: str
    barcode: str
    updated_by: str
    updated_at: datetime


class CataloguePage(BaseModel):
    items: list[CatalogueEntry]
    next: str | None = Field(description="Pass as `cursor` for the next page; null at the end")


class CatalogueImport(BaseModel):
    seller_id: str | None = Field(
        default=None, min_length=1, max_length=64, description="Default: the signed-in seller"
    )
    items: tuple[Item, ...] = Field(min_length=1)
    updated_by: str | None = Field(
        default=None, min_length=1, max_length=64, description=IGNORED_BY
    )


def _rejected(exc: CatalogueRejected) -> HTTPException:
    return HTTPException(
        422,
        {
            "message": "nothing was imported; fix these and send the whole file again",
            "rows": [e.__dict__ for e in exc.errors],
        },
    )


def router(runtime: ServiceRuntime) -> APIRouter:
    api = APIRouter(tags=["catalogue"])

    async def store(seller_id: str, items: list[CatalogueItem], by: str) -> dict[str, Any]:
        async with runtime.unit_of_work() as uow:
            await suggestions.import_catalogue(uow, seller_id, items, by)
        return {"imported": len(items)}

    @api.post("/catalogue")
    async def import_json(caller: auth.CallerDep, body: CatalogueImport) -> dict[str, Any]:
        """상품 등록: upsert SKUs; rows are numbered from 1 in errors."""
        rows = [
            (
                n,
                CatalogueItem(i.sku.strip(), i.name.strip(), i.option.strip(), i.barcode.strip()),
                {"sku": "sku", "name": "name", "barcode": "barcode"},
            )
            for n, i in enumerate(body.items, start=1)
        ]
        try:
            items = check_items(rows)
        except CatalogueRejected as exc:
            raise _rejected(exc) from exc
        return await store(auth.own_seller(caller, body.seller_id), items, caller.sub)

    @api.post("/catalogue/import")
    async def import_excel(
        caller: auth.CallerDep,
        content: Annotated[bytes, Body(media_type=XLSX)],
        seller_id: SellerId = None,
        updated_by: Annotated[
            str | None, Query(min_length=1, max_length=64, description=IGNORED_BY)
        ] = None,
    ) -> dict[str, Any]:
        """Excel (.xlsx) body, or .csv (UTF-8 or CP949); columns by header (SKU/상품코드, 상품명, 옵션,
        바코드)."""
        seller = auth.own_seller(caller, seller_id)
        try:
            items = catalogue_excel.read(content)
        except CatalogueRejected as exc:
            raise _rejected(exc) from exc
        if not items:
            raise HTTPException(422, "the sheet has a header but no SKU rows")
        return await store(seller, items, caller.sub)

    @api.get("/catalogue")
    async def list_catalogue(
        caller: auth.CallerDep,
        seller_id: SellerId = None,
        limit: Annotated[int, Query(ge=1, le=200)] = 100,
        cursor: Annotated[str | None, Query(min_length=1, max_length=200)] = None,
        q: search.Search = None,
        since: search.Since = None,
    ) -> CataloguePage:
        """상품 목록: the seller's SKUs by code, a page at a time (follow `next` as `cursor`).
        `q` searches the SKU code and the name; `since`: added or updated from then on."""
        try:
            after = paging.decode(cursor, 1)[0] if cursor else None
        except paging.BadCursor as exc:
            raise HTTPException(422, str(exc)) from exc
        async with runtime.pool.acquire() as conn:
            rows = await catalogue.listing(
                conn,
                auth.own_seller(caller, seller_id),
                limit + 1,
                after,
                search.patterns(q),
                since,
            )
        items = [CatalogueEntry(**r) for r in rows[:limit]]
        more = len(rows) > limit
        return CataloguePage(items=items, next=paging.encode([items[-1].sku]) if more else None)

    return api
