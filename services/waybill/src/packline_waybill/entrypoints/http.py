"""Waybill HTTP API (송장): parcels and their numbers, courier file export and import, label
PDFs, replacing a number, booking again through the courier API, and the service band."""

import uuid
from contextlib import AbstractAsyncContextManager
from datetime import datetime
from typing import Annotated, Any, Literal, Protocol

import asyncpg
from fastapi import APIRouter, Body, Header, HTTPException, Query, Request, Response
from pydantic import BaseModel, Field

from packline_couriers import normalise_tracking_number
from packline_runtime.paging import Limit, Offset, Page, page
from packline_runtime.secret_box import SecretBox
from packline_runtime.unit_of_work import UnitOfWork
from packline_waybill.adapters import bands, views
from packline_waybill.adapters import exports as export_repo
from packline_waybill.adapters import repository as repo
from packline_waybill.adapters import templates as template_repo
from packline_waybill.courier_files import TEMPLATES, TemplateError, template_to_json
from packline_waybill.service_layer import exports, imports, printing, replacements, templates
from packline_waybill.service_layer.booking import ApiFactory
from packline_waybill.service_layer.claims import Numbering
from packline_waybill.service_layer.parcels import Sender

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_IMPORT_BYTES = 20 * 1024 * 1024

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


class BandView(BaseModel):
    courier_code: str
    band_start: int | None = None
    band_end: int | None = None
    next_serial: int | None = None
    remaining: int | None = None


class ExportBody(BaseModel):
    seller_id: str = Field(min_length=1, max_length=64)
    by: Person
    account_id: int | None = Field(
        default=None, description="Default: the seller's default account"
    )
    template_key: str | None = Field(default=None, max_length=64)
    file_format: Literal["xlsx", "csv"] = "xlsx"
    encoding: Literal["cp949", "utf-8-sig"] = Field(
        default="utf-8-sig", description="CSV only: CP949 or UTF-8 with BOM"
    )
    password: str | None = Field(
        default=None, min_length=4, max_length=64, description="XLSX only; never stored"
    )
    parcel_ids: list[uuid.UUID] | None = Field(
        default=None, max_length=5000, description="A selection; default every awaiting parcel"
    )
    confirm_reexport: bool = Field(
        default=False, description="Export parcels that were exported before, again"
    )


class ExportView(BaseModel):
    id: int
    courier_code: str
    template_key: str
    file_format: str
    encoding: str | None
    password_protected: bool
    filename: str
    parcels: int
    created_by: str
    created_at: datetime


class ExportCreated(ExportView):
    references: list[str]
    download: str = Field(description="Path of the file, to download it again any time")


class ImportRow(BaseModel):
    row_number: int
    reference: str | None
    tracking_number: str | None
    outcome: Literal["ISSUED", "ALREADY_ISSUED", "CANCELLED", "ERROR", "NOT_APPLIED"]
    matched_by: str | None
    warnings: list[str]
    error: str | None


class ImportResult(BaseModel):
    applied: bool = Field(description="False: nothing was applied (all or nothing)")
    issued: int
    rows: list[ImportRow]
    errors: list[str] = Field(description="File-level problems, such as exported rows missing")


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


class TemplateColumn(BaseModel):
    header: str
    field: str


class TemplateView(BaseModel):
    key: str
    courier_code: str
    name: str
    own: bool = Field(description="The seller's adjusted copy, not the built-in one")
    definition: dict[str, Any]


def router(
    runtime: Runtime,
    numbering: Numbering,
    sender: Sender,
    box: SecretBox | None,
    api: ApiFactory | None,
) -> APIRouter:
    band = numbering.band
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
        remaining = int((band_state or {}).get("remaining", 0))
        return WaybillStats(
            awaiting=by_status["awaiting"],
            issued=by_status["issued"],
            voided=by_status["voided"],
            band_remaining=remaining,
            by_way=by_way,
        )

    @http.get("/band")
    async def number_band() -> BandView:
        async with runtime.pool.acquire() as conn:
            band_state = await bands.state(conn, band.courier_code)
        return BandView(courier_code=band.courier_code, **(band_state or {}))

    @http.get("/courier-templates")
    async def list_templates(seller_id: SellerId) -> list[TemplateView]:
        async with runtime.pool.acquire() as conn:
            own = await template_repo.keys(conn, seller_id)
            out = []
            for key in sorted(set(TEMPLATES) | set(own)):
                template = await templates.resolve(conn, seller_id, key)
                out.append(
                    TemplateView(
                        key=key,
                        courier_code=template.courier_code,
                        name=template.name,
                        own=key in own,
                        definition=template_to_json(template),
                    )
                )
        return out

    @http.put("/courier-templates/{key}")
    async def save_template(
        key: Annotated[str, Field(min_length=1, max_length=64)],
        seller_id: SellerId,
        definition: Annotated[dict[str, Any], Body()],
    ) -> TemplateView:
        """Keep an adjusted copy (headers renamed, reordered, added) under `key`."""
        try:
            async with runtime.unit_of_work() as uow:
                template = await templates.save(uow.conn, seller_id, key, definition)
        except TemplateError as exc:
            raise HTTPException(422, str(exc)) from exc
        return TemplateView(
            key=key,
            courier_code=template.courier_code,
            name=template.name,
            own=True,
            definition=template_to_json(template),
        )

    @http.post("/exports", status_code=201)
    async def create_export(body: ExportBody) -> ExportCreated:
        """송장 엑셀 다운로드: the parcels awaiting a number, in the courier's template."""
        request = exports.ExportRequest(**body.model_dump())
        try:
            async with runtime.unit_of_work() as uow:
                batch = await exports.export(uow, request, box)
        except exports.ExportRefused as exc:
            raise HTTPException(
                exc.status, {"message": str(exc), "references": exc.references}
            ) from exc
        except (templates.UnknownTemplate, TemplateError) as exc:
            raise HTTPException(422, str(exc)) from exc
        return ExportCreated(
            id=batch.id,
            courier_code=batch.courier_code,
            template_key=batch.template_key,
            file_format=batch.file_format,
            encoding=batch.encoding,
            password_protected=batch.password_protected,
            filename=batch.filename,
            parcels=len(batch.parcel_ids),
            created_by=batch.created_by,
            created_at=batch.created_at,
            references=batch.references,
            download=f"/exports/{batch.id}/file?seller_id={batch.seller_id}",
        )

    @http.get("/exports")
    async def list_exports(
        seller_id: SellerId, limit: Limit = 50, offset: Offset = 0
    ) -> Page[ExportView]:
        async with runtime.pool.acquire() as conn:
            rows = await views.export_batches(conn, seller_id, limit + 1, offset)
        return page([ExportView.model_validate(r) for r in rows], limit, offset)

    @http.get(
        "/exports/{batch_id}/file",
        response_class=Response,
        responses={200: {"content": {XLSX: {}, "text/csv": {}}, "description": "The file"}},
    )
    async def download_export(
        batch_id: Annotated[int, Field(ge=1, le=2**63 - 1)], seller_id: SellerId
    ) -> Response:
        async with runtime.pool.acquire() as conn:
            found = await export_repo.content(conn, seller_id, batch_id)
        if found is None:
            raise HTTPException(404, f"no export batch {batch_id} for this seller")
        filename, file_format, content = found
        media = XLSX if file_format == "xlsx" else "text/csv"
        return Response(
            content,
            media_type=media,
            headers={"Content-Disposition": f'attachment; filename="{filename}"'},
        )

    @http.post("/imports")
    async def import_file(
        request: Request,
        seller_id: SellerId,
        by: Annotated[str, Query(min_length=1, max_length=64)],
        filename: Annotated[str, Query(min_length=1, max_length=200, pattern=r"(?i)\.(xlsx|csv)$")],
        account_id: Annotated[int | None, Query(ge=1, le=2**63 - 1)] = None,
        template_key: Annotated[str | None, Query(max_length=64)] = None,
        allow_partial: bool = False,
        x_file_password: Annotated[str | None, Header(max_length=64)] = None,
    ) -> ImportResult:
        """송장 엑셀 업로드. Body: the courier's returned .xlsx or .csv itself (a password, if
        any, in the X-File-Password header). All or nothing; a result per row either way: 200
        when applied; when nothing was, a 422 problem whose `applied`, `issued`, `rows` (errors
        first, at most 50) and `errors` members are those of the 200 answer."""
        data = await request.body()
        if len(data) > MAX_IMPORT_BYTES:
            raise HTTPException(413, f"file is larger than {MAX_IMPORT_BYTES // 2**20} MiB")
        if not data:
            raise HTTPException(422, "empty body: send the courier's file as the request body")
        try:
            async with runtime.unit_of_work() as uow:
                outcome = await imports.import_file(
                    uow,
                    imports.ImportRequest(
                        seller_id=seller_id,
                        by=by,
                        data=data,
                        filename=filename,
                        account_id=account_id,
                        template_key=template_key,
                        password=x_file_password,
                        allow_partial=allow_partial,
                    ),
                    box,
                )
        except exports.ExportRefused as exc:
            raise HTTPException(exc.status, str(exc)) from exc
        except (templates.UnknownTemplate, TemplateError) as exc:
            raise HTTPException(422, str(exc)) from exc
        except ValueError as exc:  # the file itself cannot be read: the reader says why
            raise HTTPException(422, str(exc)) from exc
        result = ImportResult(
            applied=outcome.applied,
            issued=outcome.issued,
            rows=[ImportRow.model_validate(r, from_attributes=True) for r in outcome.rows],
            errors=outcome.errors,
        )
        if not outcome.applied:
            raise HTTPException(422, result.model_dump(mode="json"))
        return result

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
            count = await repo.book_again(uow.conn, body.seller_id, body.parcel_ids)
        return BookAgain(scheduled=count)

    return http
