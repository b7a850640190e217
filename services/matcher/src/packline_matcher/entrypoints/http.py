"""Matcher HTTP API: the unmatched queue, mappings (add, review, delete) and decisions."""

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query
from pydantic import BaseModel, Field

from packline_contracts import Marketplace, SkuLine
from packline_matcher.adapters import mappings, views
from packline_matcher.domain.suggestions import MOST
from packline_matcher.service_layer import queue, use_cases
from packline_runtime import auth, flow, paging, search
from packline_runtime.contention import LostRace, in_transaction
from packline_runtime.service import ServiceRuntime
from packline_runtime.tokens import Role
from packline_runtime.unit_of_work import UnitOfWork

Seller = Annotated[
    str | None,
    Query(min_length=1, max_length=64, description="Default: the signed-in seller; another is 404"),
]


class NewMapping(BaseModel):
    seller_id: str | None = Field(
        default=None, min_length=1, max_length=64, description="Default: the signed-in seller"
    )
    marketplace: Marketplace
    listing_id: str = Field(min_length=1, max_length=64)
    option_id: str = Field(default="", max_length=64)
    skus: tuple[SkuLine, ...] = Field(min_length=1, description="Per one unit of the listing")
    created_by: str | None = Field(
        default=None,
        min_length=1,
        max_length=64,
        description="Ignored: the signed-in person (the token's `sub`) is recorded",
    )
    reason: str = Field(default="", max_length=300)


class MappingEntry(BaseModel):
    marketplace: str
    listing_id: str
    option_id: str
    skus: list[SkuLine]
    created_by: str
    reason: str
    created_at: datetime


class MappingPage(BaseModel):
    items: list[MappingEntry]
    next: str | None = Field(description="Pass as `cursor` for the next page; null at the end")


def router(runtime: ServiceRuntime) -> APIRouter:
    api = APIRouter(tags=["matching"])

    @api.post("/mappings", status_code=201)
    async def add_mapping(caller: auth.CallerDep, body: NewMapping) -> dict[str, Any]:
        """매칭: map a listing+option to SKUs; every order waiting for it is released."""
        seller = auth.own_seller(caller, body.seller_id)
        if len({s.sku for s in body.skus}) != len(body.skus):
            raise HTTPException(422, "a SKU appears twice in skus; give it once with its quantity")
        key = (seller, body.marketplace.value, body.listing_id, body.option_id)

        async def work(uow: UnitOfWork) -> list[str]:
            return await use_cases.add_mapping(uow, key, body.skus, caller.sub, body.reason)

        try:
            released = await in_transaction(runtime.pool, work)
        except use_cases.UnknownSkus as exc:
            raise HTTPException(422, str(exc)) from exc
        except LostRace as exc:
            raise HTTPException(409, str(exc)) from exc
        return {"mapping": list(key), "released_orders": released}

    @api.get("/mappings")
    async def list_mappings(
        caller: auth.CallerDep,
        seller_id: Seller = None,
        marketplace: Marketplace | None = None,
        listing_id: Annotated[str | None, Query(min_length=1, max_length=64)] = None,
        sku: Annotated[str | None, Query(min_length=1, max_length=64)] = None,
        limit: Annotated[int, Query(ge=1, le=200)] = 100,
        cursor: Annotated[str | None, Query(min_length=1, max_length=400)] = None,
        q: search.Search = None,
        since: search.Since = None,
    ) -> MappingPage:
        """The seller's mappings by marketplace, listing and option, a page at a time. `q`
        searches the listing id, the option id and the SKUs; `since`: made from then on."""
        after: tuple[str, str, str] | None = None
        if cursor:
            try:
                after_mp, after_listing, after_option = paging.decode(cursor, 3)
            except paging.BadCursor as exc:
                raise HTTPException(422, str(exc)) from exc
            after = (after_mp, after_listing, after_option)
        mp = marketplace.value if marketplace else None
        async with runtime.pool.acquire() as conn:
            rows = await mappings.list_mappings(
                conn,
                auth.own_seller(caller, seller_id),
                mp,
                listing_id,
                sku,
                limit + 1,
                after,
                search.patterns(q),
                since,
            )
        items = [MappingEntry(**r) for r in rows[:limit]]
        last = items[-1] if len(rows) > limit else None
        following = [last.marketplace, last.listing_id, last.option_id] if last else None
        return MappingPage(items=items, next=paging.encode(following) if following else None)

    @api.delete("/mappings")
    async def delete_mapping(
        caller: auth.CallerDep,
        marketplace: Marketplace,
        listing_id: Annotated[str, Query(min_length=1, max_length=64)],
        reason: Annotated[str, Query(min_length=1, max_length=300)],
        seller_id: Seller = None,
        decided_by: Annotated[
            str | None,
            Query(
                min_length=1,
                max_length=64,
                description="Ignored: the signed-in person (the token's `sub`) is recorded",
            ),
        ] = None,
        option_id: Annotated[str, Query(max_length=64)] = "",
    ) -> dict[str, Any]:
        """Delete a wrong mapping: orders it matched that are not allocated go back to the queue."""
        key = (auth.own_seller(caller, seller_id), marketplace.value, listing_id, option_id)

        async def work(uow: UnitOfWork) -> list[str]:
            return await use_cases.delete_mapping(uow, key, caller.sub, reason)

        try:
            orders = await in_transaction(runtime.pool, work)
        except use_cases.MappingNotFound as exc:
            raise HTTPException(404, str(exc)) from exc
        except LostRace as exc:
            raise HTTPException(409, str(exc)) from exc
        return {"deleted": list(key), "unmatched_orders": orders}

    @api.get("/unmatched")
    async def unmatched(
        caller: auth.CallerDep,
        seller_id: Seller = None,
        limit: Annotated[int, Query(ge=1, le=200)] = 100,
        cursor: Annotated[str | None, Query(min_length=1, max_length=200)] = None,
        suggestions: Annotated[int, Query(ge=0, le=MOST)] = 5,
        q: search.Search = None,
        since: search.Since = None,
    ) -> queue.QueuePage:
        """미매칭: waiting orders oldest first, a page at a time (follow `next` as `cursor`),
        with the SKU suggestions computed in the background when each was held. `q` searches
        the order (its uid holds the marketplace order id) and its lines' listing id, product
        name and option name; `since`: held from then on."""
        seller = auth.own_seller(caller, seller_id)
        try:
            async with runtime.pool.acquire() as conn:
                return await queue.page(conn, seller, limit, cursor, suggestions, q, since)
        except paging.BadCursor as exc:
            raise HTTPException(422, str(exc)) from exc

    @api.get("/stats")
    async def stats(caller: auth.CallerDep) -> dict[str, int]:
        """The caller's seller's counts; across sellers for the platform role sre."""
        seller = None if caller.role is Role.SRE else caller.seller_id
        async with runtime.pool.acquire() as conn:
            return await views.stats(conn, seller)

    @api.get("/flow")
    async def get_flow(caller: auth.CallerDep, since: flow.FlowSince = None) -> flow.Flow:
        """Today's (or since `since`) passes and the oldest waiting, for the dashboard: done
        `matched` counts ORDERS matched (every line resolved; `matched_at`), oldest
        `unmatched` is when the oldest order in the unmatched queue was held. The caller's
        seller's; across sellers for the platform role sre."""
        seller = None if caller.role is Role.SRE else caller.seller_id
        start = flow.start_of(since)
        async with runtime.pool.acquire() as conn:
            done, oldest = await views.flow(conn, seller, start)
        return flow.Flow(since=start, done=done, oldest=oldest)

    return api
