"""GET /orders: the seller's orders, searched and filtered in SQL before paging, with how many
of the matching orders are in each status."""

import uuid
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from packline_collector.adapters import orders_view
from packline_contracts import Marketplace
from packline_runtime import auth, search
from packline_runtime.paging import Limit, Offset, Page, page
from packline_runtime.service import ServiceRuntime

SellerId = Annotated[
    str | None,
    Query(min_length=1, max_length=64, description="Default: the signed-in seller; another is 404"),
]


class OrderRow(BaseModel):
    marketplace: Marketplace
    marketplace_order_id: str
    marketplace_order_no: str | None = Field(
        description="The marketplace's order number besides its id (Coupang orderId)"
    )
    seller_id: str
    source: str
    batch_id: uuid.UUID | None
    status: str
    paid_at: datetime
    collected_at: datetime
    updated_at: datetime


class OrderList(Page[OrderRow]):
    by_status: dict[str, int] = Field(
        description="Every order matching `q` and `since` per status (all pages, not this one)"
    )


def router(runtime: ServiceRuntime) -> APIRouter:
    api = APIRouter(prefix="/orders", tags=["orders"])

    @api.get("")
    async def listed(
        caller: auth.CallerDep,
        seller_id: SellerId = None,
        q: search.Search = None,
        since: search.Since = None,
        limit: Limit = 100,
        offset: Offset = 0,
    ) -> OrderList:
        """The seller's orders, newest collected first. `q` searches the marketplace order id,
        the marketplace's order number (Coupang orderId) and the upload's batch id; `since`
        keeps orders collected from then on."""
        seller = auth.own_seller(caller, seller_id)
        async with runtime.pool.acquire() as conn:
            rows = await orders_view.listed(conn, seller, q, since, limit + 1, offset)
            by_status = await orders_view.counts(conn, seller, q, since)
        found = page([OrderRow.model_validate(r) for r in rows], limit, offset)
        return OrderList(**dict(found), by_status=by_status)

    return api
