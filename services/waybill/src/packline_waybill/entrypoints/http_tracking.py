"""Delivery tracking HTTP API (배송추적): one parcel's scans, parcels by state, parcels scanned
out but not picked up in time (overdue), and the courier's webhook."""

import uuid
from datetime import datetime
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from pydantic import BaseModel, Field

from packline_runtime import auth, problems, search
from packline_runtime.paging import Limit, Offset, Page, RowId, page
from packline_runtime.secret_box import SecretBox
from packline_waybill.adapters import tracking as store
from packline_waybill.domain.tracking import ParcelTracking, TrackingState
from packline_waybill.entrypoints.http import Runtime, SellerId
from packline_waybill.service_layer import courier_webhooks
from packline_waybill.service_layer.tracking import TrackingPolicy

BAD_SIGNATURE: dict[str, Any] = {
    "description": "The webhook's X-Courier-Signature is missing, stale or wrong",
    "model": problems.Problem,
    "content": {problems.MEDIA_TYPE: {}},
}


class TrackingError(BaseModel):
    code: str
    message: str
    at: str


class TrackingSummary(BaseModel):
    parcel_id: uuid.UUID
    seller_id: str
    account_id: int | None
    courier_code: str
    tracking_number: str
    shipped_at: datetime
    followed: bool = Field(description="Its courier account has API access: tracked by polling")
    state: TrackingState
    state_at: datetime | None
    picked_up_at: datetime | None = Field(description="집하")
    delivered_at: datetime | None = Field(description="배송완료")
    overdue: bool = Field(description="Scanned out, not picked up within the pickup deadline")
    next_poll_at: datetime | None = Field(description="null: no longer polled")
    last_error: TrackingError | None


class TrackingEvent(BaseModel):
    status: TrackingState
    occurred_at: datetime
    status_text: str | None
    location: str | None


class TrackingView(TrackingSummary):
    events: list[TrackingEvent]


class WebhookAccepted(BaseModel):
    marked: int = Field(description="Parcels marked for an immediate poll")


def _summary(p: ParcelTracking, policy: TrackingPolicy, now: datetime) -> TrackingSummary:
    return TrackingSummary(
        parcel_id=p.parcel_id,
        seller_id=p.seller_id,
        account_id=p.account_id,
        courier_code=p.courier_code,
        tracking_number=p.tracking_number,
        shipped_at=p.shipped_at,
        followed=p.followed,
        state=p.state,
        state_at=p.state_at,
        picked_up_at=p.picked_up_at,
        delivered_at=p.delivered_at,
        overdue=p.overdue(now, policy.pickup_deadline),
        next_poll_at=p.next_poll_at,
        last_error=TrackingError.model_validate(p.last_error) if p.last_error else None,
    )


def router(runtime: Runtime, box: SecretBox | None, policy: TrackingPolicy) -> APIRouter:
    http = APIRouter(tags=["delivery tracking"])

    @http.get("/parcels/{parcel_id}/tracking")
    async def parcel_tracking(
        parcel_id: uuid.UUID, caller: auth.CallerDep, seller_id: SellerId = None
    ) -> TrackingView:
        seller = auth.own_seller(caller, seller_id)
        async with runtime.pool.acquire() as conn:
            found = await store.get(conn, seller, parcel_id)
            scans = await store.scans(conn, parcel_id) if found else []
        if found is None:
            raise HTTPException(404, f"no shipped parcel {parcel_id} for this seller")
        summary = _summary(found, policy, policy.clock())
        events = [
            TrackingEvent(
                status=s.status, occurred_at=s.at, status_text=s.text, location=s.location
            )
            for s in scans
        ]
        return TrackingView(**summary.model_dump(), events=events)

    @http.get("/tracking")
    async def list_tracking(
        caller: auth.CallerDep,
        seller_id: SellerId = None,
        state: TrackingState | None = None,
        q: search.Search = None,
        since: search.Since = None,
        limit: Limit = 100,
        offset: Offset = 0,
    ) -> Page[TrackingSummary]:
        """Newest scanned out first; `q` searches tracking numbers; `since`: scanned out from
        then on."""
        seller = auth.own_seller(caller, seller_id)
        async with runtime.pool.acquire() as conn:
            found = await store.list_for(conn, seller, state, limit + 1, offset, q, since)
        now = policy.clock()
        return page([_summary(p, policy, now) for p in found], limit, offset)

    @http.get("/tracking/overdue")
    async def overdue(
        caller: auth.CallerDep,
        seller_id: SellerId = None,
        limit: Limit = 100,
        offset: Offset = 0,
    ) -> Page[TrackingSummary]:
        """The seller's parcels scanned out longer than the pickup deadline ago that the courier
        has not picked up (집하 미처리), oldest first."""
        seller = auth.own_seller(caller, seller_id)
        now = policy.clock()
        async with runtime.pool.acquire() as conn:
            found = await store.not_picked_up_since(
                conn, seller, now - policy.pickup_deadline, limit + 1, offset
            )
        return page([_summary(p, policy, now) for p in found], limit, offset)

    return http


def webhook_router(runtime: Runtime, box: SecretBox | None, policy: TrackingPolicy) -> APIRouter:
    """The courier's webhook (courier → us). A courier is not a person of a seller and holds no
    service token: this route is exempt from the token guard on purpose (the app adds it
    outside `ServiceRuntime.create_app`) and checks its own HMAC signature, made with the
    courier account's API secret, instead. It only marks numbers for an immediate poll; it
    reads and returns no seller's data."""
    http = APIRouter(tags=["delivery tracking"])

    @http.post("/courier-webhooks/{account_id}", status_code=202)
    async def courier_webhook(account_id: RowId, request: Request) -> WebhookAccepted:
        """The courier says a number changed; it is polled at once. Signed with the courier
        account's API secret (header X-Courier-Signature, see the README)."""
        body = await request.body()
        try:
            async with runtime.pool.acquire() as conn:
                marked = await courier_webhooks.number_changed(
                    conn,
                    box,
                    account_id,
                    body,
                    request.headers.get(courier_webhooks.SIGNATURE_HEADER),
                    policy.clock(),
                )
        except courier_webhooks.WebhookRefused as exc:
            raise HTTPException(exc.status, str(exc)) from exc
        return WebhookAccepted(marked=marked)

    return http
