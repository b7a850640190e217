"""Bundler HTTP API: the console's 합포처리 button (seal now), the bundle list (합포 목록, to find
one to unmerge), counts and /flow. No recipient data is returned here."""

import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from packline_bundler.adapters import repository as repo
from packline_bundler.adapters import views
from packline_bundler.domain.bundle import can_unmerge
from packline_bundler.service_layer import use_cases
from packline_runtime import auth, flow, paging, search
from packline_runtime.service import ServiceRuntime
from packline_runtime.tokens import Role

BundleStatus = Literal["OPEN", "SEALED", "ALLOCATED", "CANCELLED"]
Seller = Annotated[
    str | None,
    Query(min_length=1, max_length=64, description="Default: the signed-in seller; another is 404"),
]


class SealRequest(BaseModel):
    seller_id: str | None = Field(
        default=None, min_length=1, max_length=64, description="Default: the signed-in seller"
    )


class BundleRow(BaseModel):
    bundle_id: uuid.UUID
    status: BundleStatus = Field(
        description="OPEN: takes more orders; SEALED: formed, may still be revised or "
        "unmerged; ALLOCATED: stock reserved, final here; CANCELLED: dissolved or merged away"
    )
    revision: int = Field(description="1 when sealed; each change after sealing adds one")
    orders: list[str] = Field(description="Order uids in the box, by payment time")
    left_orders: list[str] = Field(
        description="Order uids that left it after sealing (cancelled, or withdrawn by a "
        "deleted mapping), kept for the box's history"
    )
    created_at: datetime = Field(description="When the bundle was opened for its first order")
    sealed_at: datetime | None
    merged_by_review: bool = Field(
        description="The box holds more than one recipient: a person's 합포 decision (a merged "
        "확인필요 review, or one remembered for the pair) put them together"
    )
    can_unmerge: bool = Field(
        description="Sealed, not allocated, two or more orders: POST /bundles/{bundle_id}/"
        "unmerge may split some off"
    )


def router(runtime: ServiceRuntime) -> APIRouter:
    api = APIRouter(tags=["bundling"])

    @api.post("/bundles/seal")
    async def seal_now(caller: auth.CallerDep, body: SealRequest | None = None) -> dict[str, Any]:
        """Seal every open bundle of the seller, except those waiting for a review decision."""
        seller = auth.own_seller(caller, body.seller_id if body else None)
        total = 0
        while True:  # in chunks, so one click on thousands of bundles is not one huge transaction
            async with runtime.unit_of_work() as uow:
                sealed = await use_cases.seal(uow, limit=500, seller_id=seller, now=True)
            total += sealed
            if sealed == 0:
                return {"sealed": total}

    @api.get("/bundles")
    async def list_bundles(
        caller: auth.CallerDep,
        seller_id: Seller = None,
        status: Annotated[
            list[BundleStatus] | None,
            Query(description="Only these statuses (repeat the parameter); default: all"),
        ] = None,
        q: search.Search = None,
        since: search.Since = None,
        limit: paging.Limit = 100,
        offset: paging.Offset = 0,
    ) -> paging.Page[BundleRow]:
        """합포 목록: the seller's bundles, newest first, a page at a time. `q` searches the
        bundle id and its orders' uids (never recipients); `since`: opened or sealed from
        then on."""
        async with runtime.pool.acquire() as conn:
            rows = await views.bundles(
                conn,
                auth.own_seller(caller, seller_id),
                sorted(set(status)) if status else None,
                search.patterns(q),
                since,
                limit + 1,
                offset,
            )
        items = [
            BundleRow(
                bundle_id=r["bundle_id"],
                status=r["status"],
                revision=r["revision"],
                orders=r["orders"],
                left_orders=r["left_orders"],
                created_at=r["opened_at"],
                sealed_at=r["sealed_at"],
                merged_by_review=r["recipients"] > 1,
                can_unmerge=can_unmerge(r["status"], len(r["orders"])),
            )
            for r in rows
        ]
        return paging.page(items, limit, offset)

    @api.get("/stats")
    async def stats(caller: auth.CallerDep) -> dict[str, int]:
        """The caller's seller's counts; across sellers for the platform role sre."""
        seller = None if caller.role is Role.SRE else caller.seller_id
        async with runtime.pool.acquire() as conn:
            return await repo.stats(conn, seller)

    @api.get("/flow")
    async def get_flow(caller: auth.CallerDep, since: flow.FlowSince = None) -> flow.Flow:
        """Today's (or since `since`) passes and the oldest waiting, for the dashboard. done:
        `sealed_bundles`, bundles sealed since (not dissolved since), and `bundled_orders`,
        the orders still in them. oldest: `open`, the earliest an order still waiting in an
        open (not yet sealed) bundle joined it; `review`, the oldest pending 확인필요 review.
        The caller's seller's; across sellers for the platform role sre."""
        seller = None if caller.role is Role.SRE else caller.seller_id
        start = flow.start_of(since)
        async with runtime.pool.acquire() as conn:
            done, oldest = await views.flow(conn, seller, start)
        return flow.Flow(since=start, done=done, oldest=oldest)

    return api
