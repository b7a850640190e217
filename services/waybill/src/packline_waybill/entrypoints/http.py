"""Waybill HTTP API (송장): parcels and their numbers, label PDFs, replacing a number, booking
again through the courier API, and the service band. Courier files: `http_files`; courier
accounts: `http_accounts`."""

import uuid
from contextlib import AbstractAsyncContextManager
from datetime import datetime
from typing import Annotated, Literal, Protocol

import asyncpg
from fastapi import APIRouter, HTTPException, Query, Response
from pydantic import BaseModel, Field

from packline_couriers import normalise_tracking_number
from packline_runtime import auth, search
from packline_runtime.paging import Limit, Offset, Page, page
from packline_runtime.secret_box import SecretBox
from packline_runtime.tokens import Caller, Role
from packline_runtime.unit_of_work import UnitOfWork
from packline_waybill.adapters import bands, bookings, tracking, views
from packline_waybill.entrypoints import http_flow
from packline_waybill.service_layer import printing, replacements
from packline_waybill.service_layer.booking import ApiFactory
from packline_waybill.service_layer.claims import Numbering
from packline_waybill.service_layer.parcels import Sender
from packline_waybill.service_layer.tracking import TrackingPolicy

SELLER = "Default: the token's seller; naming another seller is answered 404"
SellerId = Annotated[str | None, Query(min_length=1, max_length=64, description=SELLER)]
BY = "Ignored: the token's person (`sub`) is recorded as the one who did it"
Person = Annotated[str | None, Field(min_length=1, max_length=64, description=BY)]


def counted_seller(caller: Caller) -> str | None:
    """Whose rows `/stats` counts: the caller's seller's, or every seller's for the sre role
    (counts only: no recipient data, no seller names)."""
    return None if caller.role is Role.SRE else caller.seller_id


class Runtime(Protocol):
    """What the routes need of the service runtime: its pool and its transactions."""

    @property
    def pool(self) -> asyncpg.Pool: ...

    def unit_of_work(self) -> AbstractAsyncContextManager[UnitOfWork]: ...


class BookingError(BaseModel):
    code: str
    message: str
    retryable: bool
    at: str


class ParcelSummary(BaseModel):
    parcel_id: uuid.UUID
    bundle_id: uuid.UUID
    seller_id: str
    reference: str = Field(description="고객주문번호 in courier files and bookings")
    courier_code: str
    tracking_number: str | None
    status: Literal["AWAITING", "ISSUED", "VOIDED"]
    method: Literal["FILE", "BAND", "API"]
    issued_via: Literal["FILE", "BAND", "API"] | None
    account_id: int | None
    created_at: datetime
    issued_at: datetime | None
    voided_at: datetime | None
    exported_at: datetime | None
    export_batch_id: int | None
    booking_error: BookingError | None
    booking_attempts: int


class WaybillMember(BaseModel):
    order: str
    cancelled: bool


class WaybillView(ParcelSummary):
    members: list[WaybillMember]


class WaybillStats(BaseModel):
    awaiting: int
    issued: int
    voided: int
    band_remaining: int | None = Field(
        description="Numbers left in the service's own band, shared by every seller: shown to the "
        "sre role only (a seller's count would show other sellers' activity)"
    )
    by_way: dict[str, int] = Field(description="Parcels numbered per way: file, band, api")
    tracking: dict[str, int] = Field(
        description="Shipped parcels: picked_up (집하), in_transit, delivered (배송완료), overdue"
    )


class BandView(BaseModel):
    courier_code: str
    band_start: int | None = None
    band_end: int | None = None
    next_serial: int | None = None
    remaining: int | None = None


class LabelBody(BaseModel):
    seller_id: str | None = Field(default=None, min_length=1, max_length=64, description=SELLER)
    by: Person = None
    parcel_ids: list[uuid.UUID] | None = Field(default=None, min_length=1, max_length=1000)
    from_number: str | None = Field(default=None, pattern=r"^[0-9]{8,16}$")
    to_number: str | None = Field(default=None, pattern=r"^[0-9]{8,16}$")


class ReplaceBody(BaseModel):
    seller_id: str | None = Field(default=None, min_length=1, max_length=64, description=SELLER)
    by: Person = None
    reason: str = Field(min_length=1, max_length=300)
    tracking_number: str | None = Field(
        default=None, max_length=32, description="Typed number; default the next from the band"
    )


class Replaced(BaseModel):
    parcel_id: uuid.UUID
    tracking_number: str
    issued_via: str
    warnings: list[str]


class BookAgainBody(BaseModel):
    seller_id: str | None = Field(default=None, min_length=1, max_length=64, description=SELLER)
    parcel_ids: list[uuid.UUID] | None = Field(default=None, max_length=5000)


class BookAgain(BaseModel):
    scheduled: int


def router(
    runtime: Runtime,
    numbering: Numbering,
    sender: Sender,
    box: SecretBox | None,
    api: ApiFactory | None,
    tracking_policy: TrackingPolicy | None = None,
) -> APIRouter:
    band = numbering.band
    policy = tracking_policy or TrackingPolicy()
    http = APIRouter(tags=["waybills"])
    http.include_router(http_flow.router(runtime))

    @http.get("/waybills/{tracking_number}")
    async def get_waybill(
        tracking_number: Annotated[str, Field(max_length=64)],
        caller: auth.CallerDep,
        seller_id: SellerId = None,
    ) -> WaybillView:
        seller = auth.own_seller(caller, seller_id)
        number = normalise_tracking_number(tracking_number)
        async with runtime.pool.acquire() as conn:
            row = await views.get(conn, seller, number)
        if row is None:
            raise HTTPException(
                404, f"no waybill with tracking number {number or tracking_number!r}"
            )
        return WaybillView.model_validate(row)

    @http.get("/waybills")
    async def list_waybills(
        caller: auth.CallerDep,
        status: Literal["AWAITING", "ISSUED", "VOIDED"] = "ISSUED",
        seller_id: SellerId = None,
        q: search.Search = None,
        since: search.Since = None,
        limit: Limit = 100,
        offset: Offset = 0,
    ) -> Page[ParcelSummary]:
        """Newest first; `q` searches tracking numbers, parcel ids and references and the order
        ids of a parcel's orders; `since`: parcels made from then on."""
        seller = auth.own_seller(caller, seller_id)
        async with runtime.pool.acquire() as conn:
            rows = await views.list_by_status(conn, seller, status, limit + 1, offset, q, since)
        return page([ParcelSummary.model_validate(r) for r in rows], limit, offset)

    @http.get("/stats")
    async def stats(caller: auth.CallerDep) -> WaybillStats:
        """The token's seller's parcels; for the sre role, every seller's. The service band is
        the service's own, shared by its sellers."""
        seller = counted_seller(caller)
        async with runtime.pool.acquire() as conn:
            by_status = await views.counts_by_status(conn, seller)
            by_way = await views.counts_by_way(conn, seller)
            band_state = await bands.state(conn, band.courier_code)
            since = policy.clock() - policy.pickup_deadline
            shipped = await tracking.counts(conn, seller, since)
        remaining = int((band_state or {}).get("remaining", 0))
        return WaybillStats(
            awaiting=by_status["awaiting"],
            issued=by_status["issued"],
            voided=by_status["voided"],
            band_remaining=remaining if caller.role is Role.SRE else None,
            by_way=by_way,
            tracking=shipped,
        )

    @http.get("/band")
    async def number_band() -> BandView:
        async with runtime.pool.acquire() as conn:
            band_state = await bands.state(conn, band.courier_code)
        return BandView(courier_code=band.courier_code, **(band_state or {}))

    @http.post(
        "/labels",
        response_class=Response,
        responses={200: {"content": {"application/pdf": {}}, "description": "The labels"}},
    )
    async def print_labels(body: LabelBody, caller: auth.CallerDep) -> Response:
        """송장출력: a PDF in each courier's layout; a second print is marked 재출력."""
        seller = auth.own_seller(caller, body.seller_id)
        try:
            async with runtime.unit_of_work() as uow:
                printed = await printing.print_labels(
                    uow,
                    printing.PrintRequest(
                        seller_id=seller,
                        by=caller.sub,
                        parcel_ids=body.parcel_ids,
                        from_number=body.from_number,
                        to_number=body.to_number,
                    ),
                    sender,
                    box,
                    api,
                )
        except printing.PrintRefused as exc:
            raise HTTPException(exc.status, str(exc)) from exc
        return Response(
            printed.pdf,
            media_type="application/pdf",
            headers={
                "Content-Disposition": 'inline; filename="labels.pdf"',
                "X-Labels": str(printed.labels),
                "X-Reprints": str(printed.reprints),
            },
        )

    @http.get("/parcels/{parcel_id}")
    async def get_parcel(
        parcel_id: uuid.UUID, caller: auth.CallerDep, seller_id: SellerId = None
    ) -> WaybillView:
        seller = auth.own_seller(caller, seller_id)
        async with runtime.pool.acquire() as conn:
            row = await views.get_parcel(conn, seller, parcel_id)
        if row is None:
            raise HTTPException(404, f"no parcel {parcel_id} for this seller")
        return WaybillView.model_validate(row)

    @http.post("/parcels/{parcel_id}/replace-number")
    async def replace_number(
        parcel_id: uuid.UUID, body: ReplaceBody, caller: auth.CallerDep
    ) -> Replaced:
        """Void the parcel's number for ever and give it another (typed, or from the band)."""
        seller = auth.own_seller(caller, body.seller_id)
        try:
            async with runtime.unit_of_work() as uow:
                issued, warnings = await replacements.replace_number(
                    uow,
                    seller,
                    parcel_id,
                    body.tracking_number,
                    body.reason,
                    caller.sub,
                    numbering,
                )
        except replacements.ReplaceRefused as exc:
            raise HTTPException(exc.status, str(exc)) from exc
        return Replaced(
            parcel_id=parcel_id,
            tracking_number=issued.tracking_number,
            issued_via=issued.issued_via,
            warnings=warnings,
        )

    @http.post("/bookings/retry")
    async def book_again(body: BookAgainBody, caller: auth.CallerDep) -> BookAgain:
        """Book API parcels again now (after fixing an address, or when the quota is back)."""
        seller = auth.own_seller(caller, body.seller_id)
        async with runtime.unit_of_work() as uow:
            count = await bookings.book_again(uow.conn, seller, body.parcel_ids)
        return BookAgain(scheduled=count)

    return http
