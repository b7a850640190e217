"""Shipper scan API (출고 스캔): scan one or many labels, or upload a list of numbers; every row
gets its answer (a stable code and a Korean message), and nothing ships unless every row is OK
(or `allow_partial` ships the OK ones)."""

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from packline_contracts import Marketplace
from packline_runtime import auth, problems
from packline_runtime.service import ServiceRuntime
from packline_shipper.adapters.number_files import UnreadableFile, read_numbers
from packline_shipper.domain.scan import (
    RowAnswer,
    ScanCode,
    ScannedRow,
    ScanRejected,
    ScanReport,
    rows_of,
)
from packline_shipper.service_layer import scanning

MAX_ROWS = 1000
SELLER = "Default: the token's seller; naming another seller is answered 404"
Seller = Annotated[str | None, Field(min_length=1, max_length=64, description=SELLER)]
BY = "Ignored: the person of the token is recorded as the one who scanned"
ScannedBy = Annotated[str | None, Field(min_length=1, max_length=64, description=BY)]
PARTIAL = "Ship the OK rows and report the rest (default: all or nothing)"
CONFIRM = "The person took the cancelled orders' goods out: ship INCOMPLETE parcels as they are"


class ScanRequest(BaseModel):
    seller_id: Seller = None
    tracking_numbers: list[Annotated[str, Field(max_length=64)]] = Field(
        min_length=1, max_length=MAX_ROWS, description="Scanned or selected numbers, in order"
    )
    scanned_by: ScannedBy = None
    allow_partial: bool = Field(default=False, description=PARTIAL)
    confirm_incomplete: bool = Field(default=False, description=CONFIRM)


class OrderName(BaseModel):
    marketplace: Marketplace
    marketplace_order_id: str


class RowResult(BaseModel):
    row: int = Field(description="1-based: the position in the list, or the row of the file")
    tracking_number: str = Field(description="Digits only; empty when the row held no number")
    code: ScanCode
    message: str = Field(description="What to do, in Korean")
    shipped: bool = Field(description="This scan shipped the parcel")
    shipped_at: datetime | None = None
    replaced_by: str | None = Field(default=None, description="REPLACED: the number to scan")
    orders: list[OrderName] = Field(default_factory=list, description="The cancelled orders")


class ScanResponse(BaseModel):
    shipped: list[str]
    already_shipped: list[str]
    rows: list[RowResult]


def _row(answer: RowAnswer) -> RowResult:
    return RowResult(
        row=answer.row,
        tracking_number=answer.tracking_number,
        code=answer.code,
        message=answer.message,
        shipped=answer.shipped,
        shipped_at=answer.shipped_at,
        replaced_by=answer.replaced_by,
        orders=[
            OrderName(marketplace=o.marketplace, marketplace_order_id=o.marketplace_order_id)
            for o in answer.orders
        ],
    )


def _response(report: ScanReport) -> ScanResponse:
    return ScanResponse(
        shipped=[a.tracking_number for a in report.rows if a.shipped],
        already_shipped=report.numbers(ScanCode.ALREADY_SHIPPED),
        rows=[_row(a) for a in report.rows],
    )


def _rejected(exc: ScanRejected) -> JSONResponse:
    """422 with every row's answer. Not capped at the runtime's 50 members: the rows are at most
    MAX_ROWS, each field bounded, and a row never echoes what it held unless it is a number."""
    rows = [_row(a).model_dump(mode="json") for a in exc.report.rows]
    return problems.response(422, str(exc), rows=rows)


def router(runtime: ServiceRuntime) -> APIRouter:
    api = APIRouter(tags=["shipping"])

    async def run(
        seller_id: str, rows: list[ScannedRow], scanned_by: str, partial: bool, confirm: bool
    ) -> ScanResponse | JSONResponse:
        try:
            async with runtime.unit_of_work() as uow:
                report = await scanning.scan(
                    uow,
                    seller_id,
                    rows,
                    scanned_by,
                    allow_partial=partial,
                    confirm_incomplete=confirm,
                )
        except ScanRejected as exc:
            return _rejected(exc)
        return _response(report)

    @api.post("/scan", response_model=ScanResponse)
    async def scan(body: ScanRequest, caller: auth.CallerDep) -> ScanResponse | JSONResponse:
        """Scan labels (or ship a selection): 200 with every row's answer, or 422 with every
        row's answer when a row cannot ship and nothing was shipped."""
        seller = auth.own_seller(caller, body.seller_id)
        rows = rows_of(body.tracking_numbers)
        return await run(seller, rows, caller.sub, body.allow_partial, body.confirm_incomplete)

    @api.post("/scan/file", response_model=ScanResponse)
    async def scan_file(
        request: Request,
        caller: auth.CallerDep,
        seller_id: Annotated[str | None, Query(min_length=1, max_length=64)] = None,
        scanned_by: Annotated[
            str | None, Query(min_length=1, max_length=64, description=BY)
        ] = None,
        allow_partial: Annotated[bool, Query(description=PARTIAL)] = False,
        confirm_incomplete: Annotated[bool, Query(description=CONFIRM)] = False,
    ) -> ScanResponse | JSONResponse:
        """Body: the .txt, .csv or .xlsx file itself, one number per row, header optional
        (`운송장번호`). Rows are numbered as in the file; a repeated number is reported and
        ships once."""
        seller = auth.own_seller(caller, seller_id)
        try:
            rows = read_numbers(await request.body(), MAX_ROWS)
        except UnreadableFile as exc:
            raise HTTPException(422, str(exc)) from exc
        return await run(seller, rows, caller.sub, allow_partial, confirm_incomplete)

    return api
