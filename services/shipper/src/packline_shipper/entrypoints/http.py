"""Shipper HTTP API: list and look up parcels, counts and today's flow (the scan routes are in
scan_http)."""

import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Query
from pydantic import BaseModel

from packline_couriers import normalise_tracking_number
from packline_runtime import auth, flow, search
from packline_runtime.paging import Limit, Offset, Page, page
from packline_runtime.service import ServiceRuntime
from packline_runtime.tokens import Role
from packline_shipper.adapters import views

SellerId = Annotated[
    str | None,
    Query(
        min_length=1,
        max_length=64,
        description="Default: the token's seller; naming another seller is answered 404",
    ),
]


class ParcelSummary(BaseModel):
    tracking_number: str
    bundle_id: uuid.UUID
    parcel_id: uuid.UUID
    courier_code: str
    seller_id: str
    status: str
    created_at: datetime
    shipped_at: datetime | None


def router(runtime: ServiceRuntime) -> APIRouter:
    api = APIRouter(tags=["shipping"])

    @api.get("/parcels")
    async def list_parcels(
        caller: auth.CallerDep,
        status: Literal["READY", "SHIPPED", "STOPPED", "RELABEL", "VOIDED"] = "READY",
        seller_id: SellerId = None,
        q: search.Search = None,
        since: search.Since = None,
        limit: Limit = 100,
        offset: Offset = 0,
    ) -> Page[ParcelSummary]:
        """Oldest first; `q` searches tracking numbers and the order ids of a parcel's orders;
        `since`: parcels recorded from then on."""
        seller = auth.own_seller(caller, seller_id)
        async with runtime.pool.acquire() as conn:
            rows = await views.list_by_status(conn, seller, status, limit + 1, offset, q, since)
        return page([ParcelSummary.model_validate(r) for r in rows], limit, offset)

    @api.get("/parcels/{tracking_number}")
    async def get_parcel(
        tracking_number: str, caller: auth.CallerDep, seller_id: SellerId = None
    ) -> dict[str, Any]:
        seller = auth.own_seller(caller, seller_id)
        number = normalise_tracking_number(tracking_number)
        async with runtime.pool.acquire() as conn:
            row = await views.get(conn, seller, number)
        if row is None:
            raise HTTPException(
                404, f"no parcel with tracking number {number or tracking_number!r}"
            )
        return row

    @api.get("/stats")
    async def stats(caller: auth.CallerDep) -> dict[str, int]:
        """The token's seller's parcels per status; for the sre role, every seller's."""
        seller = None if caller.role is Role.SRE else caller.seller_id
        async with runtime.pool.acquire() as conn:
            return await views.counts(conn, seller)

    @api.get("/flow")
    async def shipping_flow(caller: auth.CallerDep, since: flow.FlowSince = None) -> flow.Flow:
        """Parcels and orders shipped since `since` (default: today, KST) and when the oldest
        parcel still READY was recorded; the token's seller's, for the sre role every seller's."""
        seller = None if caller.role is Role.SRE else caller.seller_id
        start = flow.start_of(since)
        async with runtime.pool.acquire() as conn:
            done, oldest = await views.flow(conn, seller, start)
        return flow.Flow(since=start, done=done, oldest=oldest)

    return api
