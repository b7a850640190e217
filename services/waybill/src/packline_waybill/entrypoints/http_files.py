"""Waybill HTTP API, courier files (송장 엑셀): templates, exports and imports."""

import uuid
from dataclasses import asdict
from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Header, HTTPException, Query, Request, Response
from pydantic import BaseModel, Field

from packline_runtime import auth
from packline_runtime.paging import Limit, Offset, Page, page
from packline_runtime.secret_box import SecretBox
from packline_waybill.adapters import exports as export_repo
from packline_waybill.adapters import templates as template_repo
from packline_waybill.adapters import views
from packline_waybill.courier_files import TEMPLATES, TemplateError, template_to_json
from packline_waybill.entrypoints.http import BY, SELLER, Person, Runtime, SellerId
from packline_waybill.service_layer import exports, imports, templates

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_IMPORT_BYTES = 20 * 1024 * 1024


class ExportBody(BaseModel):
    seller_id: str | None = Field(default=None, min_length=1, max_length=64, description=SELLER)
    by: Person = None
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


class TemplateColumn(BaseModel):
    header: str
    field: str


class TemplateView(BaseModel):
    key: str
    courier_code: str
    name: str
    own: bool = Field(description="The seller's adjusted copy, not the built-in one")
    definition: dict[str, Any]


def router(runtime: Runtime, box: SecretBox | None) -> APIRouter:
    http = APIRouter(tags=["courier files"])

    @http.get("/courier-templates")
    async def list_templates(
        caller: auth.CallerDep, seller_id: SellerId = None
    ) -> list[TemplateView]:
        seller = auth.own_seller(caller, seller_id)
        async with runtime.pool.acquire() as conn:
            own = await template_repo.keys(conn, seller)
            out = []
            for key in sorted(set(TEMPLATES) | set(own)):
                template = await templates.resolve(conn, seller, key)
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
        definition: Annotated[dict[str, Any], Body()],
        caller: auth.OwnerDep,
        seller_id: SellerId = None,
    ) -> TemplateView:
        """Keep an adjusted copy (headers renamed, reordered, added) under `key` (the owner's:
        it is a setting of the seller's courier files)."""
        seller = auth.own_seller(caller, seller_id)
        try:
            async with runtime.unit_of_work() as uow:
                template = await templates.save(uow.conn, seller, key, definition)
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
    async def create_export(body: ExportBody, caller: auth.CallerDep) -> ExportCreated:
        """송장 엑셀 다운로드: the parcels awaiting a number, in the courier's template."""
        seller = auth.own_seller(caller, body.seller_id)
        request = exports.ExportRequest(
            **{**body.model_dump(), "seller_id": seller, "by": caller.sub}
        )
        try:
            async with runtime.unit_of_work() as uow:
                batch = await exports.export(uow, request, box)
        except exports.ExportRefused as exc:
            raise HTTPException(
                exc.status, {"message": str(exc), "references": exc.references}
            ) from exc
        except (templates.UnknownTemplate, TemplateError) as exc:
            raise HTTPException(422, str(exc)) from exc
        return ExportCreated.model_validate(
            {
                **asdict(batch),
                "parcels": len(batch.parcel_ids),
                "download": f"/exports/{batch.id}/file",
            }
        )

    @http.get("/exports")
    async def list_exports(
        caller: auth.CallerDep, seller_id: SellerId = None, limit: Limit = 50, offset: Offset = 0
    ) -> Page[ExportView]:
        seller = auth.own_seller(caller, seller_id)
        async with runtime.pool.acquire() as conn:
            rows = await views.export_batches(conn, seller, limit + 1, offset)
        return page([ExportView.model_validate(r) for r in rows], limit, offset)

    @http.get(
        "/exports/{batch_id}/file",
        response_class=Response,
        responses={200: {"content": {XLSX: {}, "text/csv": {}}, "description": "The file"}},
    )
    async def download_export(
        batch_id: Annotated[int, Field(ge=1, le=2**63 - 1)],
        caller: auth.CallerDep,
        seller_id: SellerId = None,
    ) -> Response:
        seller = auth.own_seller(caller, seller_id)
        async with runtime.pool.acquire() as conn:
            found = await export_repo.content(conn, seller, batch_id)
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
        caller: auth.CallerDep,
        filename: Annotated[str, Query(min_length=1, max_length=200, pattern=r"(?i)\.(xlsx|csv)$")],
        account_id: Annotated[int | None, Query(ge=1, le=2**63 - 1)] = None,
        template_key: Annotated[str | None, Query(max_length=64)] = None,
        allow_partial: bool = False,
        x_file_password: Annotated[str | None, Header(max_length=64)] = None,
        seller_id: SellerId = None,
        by: Annotated[str | None, Query(min_length=1, max_length=64, description=BY)] = None,
    ) -> ImportResult:
        """송장 엑셀 업로드. Body: the courier's returned .xlsx or .csv itself (a password, if
        any, in the X-File-Password header). All or nothing; a result per row either way: 200
        when applied; when nothing was, a 422 problem whose `applied`, `issued`, `rows` (errors
        first, at most 50) and `errors` members are those of the 200 answer."""
        seller = auth.own_seller(caller, seller_id)
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
                        seller_id=seller,
                        by=caller.sub,
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

    return http
