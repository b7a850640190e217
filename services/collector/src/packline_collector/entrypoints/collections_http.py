"""주문통합수집 by hand: a period and marketplaces, run as a job whose counts grow while it runs;
the orders it found needing a person (확인 필요) and marking one handled (확인 완료)."""

import uuid
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, get_args

from fastapi import APIRouter, Body, HTTPException, Query
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from packline_collector.adapters import jobs_repository as jobs
from packline_collector.adapters import order_changes_repository as changes
from packline_collector.domain.accounts import MarketplaceWithApi
from packline_collector.domain.attention import (
    AlreadyResolved,
    AttentionItem,
    AttentionNotFound,
    AttentionState,
    ResolveRequest,
)
from packline_collector.service_layer import attention
from packline_collector.service_layer.collection import Collection
from packline_runtime import auth, search
from packline_runtime.paging import Limit, Offset, Page, RowId, page
from packline_runtime.service import ServiceRuntime

MAX_PERIOD = timedelta(days=31)
SellerId = Annotated[
    str | None,
    Query(min_length=1, max_length=64, description="Default: the signed-in seller; another is 404"),
]


class CollectRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    seller_id: str | None = Field(
        default=None, min_length=1, max_length=64, description="Default: the signed-in seller"
    )
    marketplaces: list[str] = Field(
        default_factory=lambda: list(get_args(MarketplaceWithApi)), min_length=1
    )
    period_from: AwareDatetime = Field(description="With offset, e.g. 2026-11-27T00:00:00+09:00")
    period_to: AwareDatetime | None = Field(default=None, description="Default: now")


def router(runtime: ServiceRuntime, collection: Collection) -> APIRouter:
    api = APIRouter(tags=["collection"])

    @api.post("/collections", status_code=202)
    async def collect(
        caller: auth.CallerDep, request: Annotated[CollectRequest, Body()]
    ) -> dict[str, Any]:
        """Starts collecting; poll `GET /collections/{job_id}` for counts and problems."""
        seller = auth.own_seller(caller, request.seller_id)
        end = request.period_to or datetime.now(UTC)
        start = request.period_from
        unknown = sorted(set(request.marketplaces) - set(get_args(MarketplaceWithApi)))
        if unknown:
            raise HTTPException(
                422, f"no API collection for {', '.join(unknown)}: register those orders by Excel"
            )
        if not start < end or end - start > MAX_PERIOD:
            raise HTTPException(422, "period_from must be before period_to, at most 31 days apart")
        try:
            job_id = await collection.start_manual(seller, request.marketplaces, start, end)
        except LookupError as exc:
            raise HTTPException(422, f"{exc}; add one with POST /accounts") from exc
        return {"job_id": str(job_id), "status": "RUNNING", "poll": f"/collections/{job_id}"}

    @api.get("/collections/{job_id}")
    async def job(caller: auth.CallerDep, job_id: uuid.UUID) -> dict[str, Any]:
        async with runtime.pool.acquire() as conn:
            found = await jobs.get(conn, caller.seller_id, job_id)
        if found is None:
            raise HTTPException(404, f"no collection job {job_id}")
        return found

    @api.get("/collections")
    async def recent_jobs(
        caller: auth.CallerDep,
        seller_id: SellerId = None,
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> Page[dict[str, Any]]:
        seller = auth.own_seller(caller, seller_id)
        async with runtime.pool.acquire() as conn:
            rows = await jobs.recent(conn, seller, limit + 1, offset)
        return page(rows, limit, offset)

    @api.get("/orders-attention")
    async def needing_attention(
        caller: auth.CallerDep,
        seller_id: SellerId = None,
        state: AttentionState = "OPEN",
        q: search.Search = None,
        since: search.Since = None,
        limit: Limit = 500,
        offset: Offset = 0,
    ) -> Page[AttentionItem]:
        """Orders re-collection could not settle alone (address changed after collection,
        partial cancellation, cancelled after shipping), newest first. `state`: OPEN (not yet
        marked handled, the default), RESOLVED (확인 완료: who, when, note) or ALL. `q`
        searches the marketplace order id and the detail text; `since` keeps those detected
        from then on."""
        async with runtime.pool.acquire() as conn:
            rows = await changes.attention(
                conn,
                auth.own_seller(caller, seller_id),
                limit + 1,
                offset,
                q=q,
                since=since,
                state=state,
            )
        return page([AttentionItem.model_validate(r) for r in rows], limit, offset)

    @api.post(
        "/orders-attention/{attention_id}/resolve",
        responses={
            404: {"description": "no such item of the seller"},
            409: {"description": "already resolved"},
        },
    )
    async def resolve_attention(
        caller: auth.CallerDep,
        attention_id: RowId,
        body: ResolveRequest | None = None,
        seller_id: SellerId = None,
    ) -> AttentionItem:
        """확인 완료: the item is marked handled by the caller (the token's subject), now, with
        an optional note; it leaves the OPEN list and the open counts of /stats and /flow.
        Marking it again is 409 (the first mark stands)."""
        seller = auth.own_seller(caller, seller_id)
        note = body.cleaned_note() if body else None
        try:
            async with runtime.unit_of_work() as uow:
                return await attention.resolve(uow, seller, attention_id, caller.sub, note)
        except AttentionNotFound as exc:
            raise HTTPException(404, str(exc)) from exc
        except AlreadyResolved as exc:
            raise HTTPException(409, str(exc)) from exc

    return api
