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
from packline_runtime.paging import Limit, Offset, Page, page
from packline_runtime.secret_box import SecretBox
from packline_runtime.unit_of_work import UnitOfWork
from packline_waybill.adapters import bands, bookings, tracking, views
from packline_waybill.service_layer import printing, replacements
from packline_waybill.service_layer.booking import ApiFactory
from packline_waybill.service_layer.claims import Numbering
from packline_waybill.service_layer.parcels import Sender
from packline_waybill.service_layer.tracking import TrackingPolicy

SellerId = Annotated[str, Query(min_length=1, max_length=64, description="The parcel's seller")]
Person = Annotated[str, Field(min_length=1, max_length=64, description="Who does it")]


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
    band_remaining: int = Field(description="Numbers left in the service's own band")
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
    seller_id: str = Field(min_length=1, max_length=64)
    by: Person
    parcel_ids: list[uuid.UUID] | None = Field(default=None, min_length=1, max_length=1000)
    from_number: str | None = Field(default=None, pattern=r"^[0-9]{8,16}$")
    to_number: str | None = Field(default=None, pattern=r"^[0-9]{8,16}$")


class ReplaceBody(BaseModel):
    seller_id: str = Field(min_length=1, max_length=64)
    by: Person
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
    seller_id: str = Field(min_length=1, max_length=64)
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

    @http.get("/waybills/{tracking_number}")
    async def get_waybill(tracking_number: Annotated[str, Field(max_length=64)]) -> WaybillView:
        number = normalise_tracking_number(tracking_number)
        async with runtime.pool.acquire() as conn:
            row = await views.get(conn, number)
        if row is None:
            raise HTTPException(
                404, f"no waybill with tracking number {number or tracking_number!r}"
            )
        return WaybillView.model_validate(row)

    @http.get("/waybills")
    async def list_waybills(
        status: Literal["AWAITING", "ISSUED", "VOIDED"] = "ISSUED",
        seller_id: Annotated[str | None, Query(min_length=1, max_length=64)] = None,
        limit: Limit = 100,
        offset: Offset = 0,
    ) -> Page[ParcelSummary]:
        async with runtime.pool.acquire() as conn:
            rows = await views.list_by_status(conn, status, limit + 1, offset, seller_id)
        return page([ParcelSummary.model_validate(r) for r in rows], limit, offset)

    @http.get("/stats")
    async def stats() -> WaybillStats:
        async with runtime.pool.acquire() as conn:
            by_status = await views.counts_by_status(conn)
            by_way = await views.counts_by_way(conn)
            band_state = await bands.state(conn, band.courier_code)
            shipped = await tracking.counts(conn, policy.clock() - policy.pickup_deadline)
        remaining = int((band_state or {}).get("remaining", 0))
        return WaybillStats(
            awaiting=by_status["awaiting"],
            issued=by_status["issued"],
            voided=by_status["voided"],
            band_remaining=remaining,
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
    async def print_labels(body: LabelBody) -> Response:
        """송장출력: a PDF in each courier's layout; a second print is marked 재출력."""
        try:
            async with runtime.unit_of_work() as uow:
                printed = await printing.print_labels(
                    uow,
                    printing.PrintRequest(
                        seller_id=body.seller_id,
                        by=body.by,
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
    async def get_parcel(parcel_id: uuid.UUID, seller_id: SellerId) -> WaybillView:
        async with runtime.pool.acquire() as conn:
            row = await views.get_parcel(conn, seller_id, parcel_id)
        if row is None:
            raise HTTPException(404, f"no parcel {parcel_id} for this seller")
        return WaybillView.model_validate(row)

    @http.post("/parcels/{parcel_id}/replace-number")
    async def replace_number(parcel_id: uuid.UUID, body: ReplaceBody) -> Replaced:
        """Void the parcel's number for ever and give it another (typed, or from the band)."""
        try:
            async with runtime.unit_of_work() as uow:
                issued, warnings = await replacements.replace_number(
                    uow,
                    body.seller_id,
                    parcel_id,
                    body.tracking_number,
                    body.reason,
                    body.by,
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
    async def book_again(body: BookAgainBody) -> BookAgain:
        """Book API parcels again now (after fixing an address, or when the quota is back)."""
        async with runtime.unit_of_work() as uow:
            count = await bookings.book_again(uow.conn, body.seller_id, body.parcel_ids)
        return BookAgain(scheduled=count)

    return http
