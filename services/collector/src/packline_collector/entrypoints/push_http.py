"""송장 전송 HTTP API: the push state of every marketplace order line, and retries of one
FAILED line or of all a seller's FAILED lines (but those cancelled at the marketplace, which are
CS cases on /orders-attention)."""

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query
from pydantic import BaseModel

from packline_collector.domain.push import LineKey, PushState, PushView
from packline_collector.service_layer import push
from packline_contracts import Marketplace
from packline_runtime import auth, search
from packline_runtime.paging import Limit, Offset, Page, page
from packline_runtime.service import ServiceRuntime

SellerId = Annotated[
    str | None,
    Query(min_length=1, max_length=64, description="Default: the signed-in seller; another is 404"),
]


class Requeued(BaseModel):
    requeued: int


def router(runtime: ServiceRuntime) -> APIRouter:
    api = APIRouter(prefix="/tracking-pushes", tags=["tracking pushes"])

    @api.get("")
    async def listed(
        caller: auth.CallerDep,
        seller_id: SellerId = None,
        state: PushState | None = None,
        marketplace: Marketplace | None = None,
        q: search.Search = None,
        since: search.Since = None,
        limit: Limit = 100,
        offset: Offset = 0,
    ) -> Page[PushView]:
        """Lines newest first: PENDING, SENT, FAILED (with the marketplace's code and
        message) or NOT_APPLICABLE (registered by hand or Excel: nothing to push to). `q`
        searches the marketplace order id, the tracking number and the marketplace's message;
        `since` keeps lines last attempted from then on (never attempted: recorded then on)."""
        async with runtime.unit_of_work() as uow:
            rows = await push.listed(
                uow,
                auth.own_seller(caller, seller_id),
                state,
                marketplace.value if marketplace else None,
                limit + 1,
                offset,
                q=q,
                since=since,
            )
        return page(rows, limit, offset)

    @api.post("/retry")
    async def retry_failed(caller: auth.CallerDep, seller_id: SellerId = None) -> Requeued:
        """Every FAILED line of the seller is pushed again at the next tick."""
        seller = auth.own_seller(caller, seller_id)
        async with runtime.unit_of_work() as uow:
            count = await push.retry_failed(uow, seller)
        return Requeued(requeued=count)

    @api.post("/{marketplace}/{marketplace_order_id}/{line_id}/retry")
    async def retry_one(
        caller: auth.CallerDep,
        marketplace: Marketplace,
        marketplace_order_id: str,
        line_id: str,
        seller_id: SellerId = None,
    ) -> PushView:
        seller = auth.own_seller(caller, seller_id)
        key = LineKey(seller, marketplace.value, marketplace_order_id, line_id)
        async with runtime.unit_of_work() as uow:
            try:
                view = await push.retry_one(uow, key)
            except push.PushNotFound as exc:
                raise HTTPException(404, str(exc)) from exc
            except push.PushNotRetryable as exc:
                raise HTTPException(409, str(exc)) from exc
        return view

    return api
