"""주문등록 by file: the template, an .xlsx/.csv upload (all or nothing), today's counts per
marketplace, the uploaded batches, and deleting one of them."""

import uuid
from datetime import UTC, datetime
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Header, HTTPException, Query, Request, Response
from pydantic import AwareDatetime, BaseModel, Field

from packline_collector.adapters import order_changes_repository as changes
from packline_collector.adapters import spreadsheets
from packline_collector.service_layer import excel_registration as excel
from packline_contracts import Marketplace
from packline_runtime import auth
from packline_runtime.paging import Limit, Offset, Page, page
from packline_runtime.problems import MEDIA_TYPE, Problem
from packline_runtime.service import ServiceRuntime

SEOUL = ZoneInfo("Asia/Seoul")
MAX_BYTES = 32 * 1024 * 1024
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SellerId = Annotated[
    str | None,
    Query(min_length=1, max_length=64, description="Default: the signed-in seller; another is 404"),
]


class BatchView(BaseModel):
    batch_id: uuid.UUID
    registered_at: AwareDatetime
    registered_by: str = Field(
        description="Who uploaded it; empty for uploads before this was kept"
    )
    registered: int = Field(description="Orders the upload created (duplicates not counted)")
    orders: int = Field(description="Its orders not deleted yet")
    marketplaces: list[Marketplace] = Field(description="The marketplaces of those orders")
    past_matching: bool = Field(
        description="One of them is matched or shipped: a delete is refused unless "
        "skip_past_matching=true, which keeps those"
    )


class RepairedCell(BaseModel):
    row: int
    column: str = Field(description="The file's own header")
    note: str = Field(description="What was changed, e.g. a phone number's lost leading 0")


class SkippedRow(BaseModel):
    row: int
    order: str = Field(description="The row's order id (shipping unit)")
    reason: str = Field(description="Why the marketplace's file marks it not to ship")


class Uploaded(BaseModel):
    batch_id: uuid.UUID = Field(description="DELETE /orders/excel/batches/{batch_id} undoes it")
    source: Literal["TEMPLATE", "COUPANG_WING", "NAVER_SMARTSTORE", "ELEVENST"] = Field(
        description="Which file it was, known by its header row"
    )
    rows: int = Field(description="Data rows read, skipped ones included")
    orders: int = Field(description="Orders in the file (rows of one shipping unit are one)")
    created: int = Field(description="Orders registered now")
    duplicates: int = Field(description="Orders already registered (by API or an earlier file)")
    repaired: list[RepairedCell] = Field(description="The first 100 cells repaired")
    repaired_count: int
    skipped: list[SkippedRow] = Field(description="The first 200 rows not registered")
    skipped_count: int
    ids_from_api_orders: int = Field(
        description="Registered lines whose listing/option id the file lacks (Naver 옵션코드, "
        "Coupang 업체상품 아이디, 11st stock number) were taken from orders the marketplace's "
        "API gave for the same option"
    )
    ids_from_file_text: int = Field(
        description="Registered lines that kept the file's stand-in (the option wording, or "
        "Coupang's 노출상품ID) for such an id: no API order of that option is known; map them "
        "once more"
    )


class RejectedRow(BaseModel):
    row: int = Field(description="0: the file as a whole")
    column: str = ""
    problem: str = ""
    order: str = Field(default="", description="A skipped row's order (a file of none left)")
    reason: str = Field(default="", description="Why that row was skipped")


class Rejected(Problem):
    """The file was not registered (nothing of it); every problem is named by row and column."""

    problems: int = Field(description="How many problems (rows lists the first 200)")
    rows: list[RejectedRow]
    expected: dict[str, list[str]] = Field(
        description="An unknown file: each source's required headers, by the source's title"
    )


def router(runtime: ServiceRuntime) -> APIRouter:
    api = APIRouter(prefix="/orders", tags=["registration (주문등록)"])

    @api.get(
        "/excel/template",
        response_class=Response,
        responses={200: {"content": {XLSX: {}, "text/csv": {}}, "description": "The template"}},
    )
    async def template(format: Annotated[str, Query(pattern="^(xlsx|csv)$")] = "xlsx") -> Response:
        """The upload template; id, phone and postcode columns are text so Excel keeps them."""
        if format == "csv":
            return Response(
                spreadsheets.template_csv(),
                media_type="text/csv; charset=utf-8",
                headers={"Content-Disposition": 'attachment; filename="packline-orders.csv"'},
            )
        return Response(
            spreadsheets.template(),
            media_type=XLSX,
            headers={"Content-Disposition": 'attachment; filename="packline-orders.xlsx"'},
        )

    @api.post(
        "/excel",
        status_code=201,
        responses={
            422: {
                "model": Rejected,
                "content": {MEDIA_TYPE: {}},
                "description": "Nothing registered: unreadable, unknown or broken file",
            }
        },
    )
    async def upload(
        caller: auth.CallerDep,
        request: Request,
        seller_id: SellerId = None,
        x_file_password: Annotated[
            str | None,
            Header(
                max_length=256,
                description="The password of a protected .xlsx (Naver's download); never kept",
            ),
        ] = None,
    ) -> Uploaded:
        """Body: the .xlsx or .csv file itself: Packline's template, or the order file
        downloaded from 쿠팡 WING, 네이버 스마트스토어 or 11번가, known by its header row. One
        bad cell rejects the file, with every problem named by row and column; rows the
        marketplace's file marks cancelled or shipped are skipped (`skipped`, with reasons).
        An unknown file is refused with `expected`: each source's required headers."""
        seller = auth.own_seller(caller, seller_id)
        data = await request.body()
        if len(data) > MAX_BYTES:
            raise HTTPException(413, f"file is larger than {MAX_BYTES // 2**20} MiB; split it")
        if not data:
            raise HTTPException(422, "empty body: send the .xlsx or .csv file as the request body")
        try:
            async with runtime.unit_of_work() as uow:
                done = await excel.register_file(
                    uow,
                    seller,
                    data,
                    datetime.now(UTC),
                    registered_by=caller.sub,
                    password=x_file_password,
                )
        except excel.FileRejected as exc:
            raise HTTPException(
                422,
                {
                    "message": str(exc),
                    "problems": exc.total,
                    "rows": exc.errors,
                    "expected": exc.expected,
                },
            ) from exc
        return Uploaded.model_validate(done)

    @api.get("/excel/batches")
    async def batches(
        caller: auth.CallerDep,
        seller_id: SellerId = None,
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> Page[BatchView]:
        """The seller's Excel uploads newest first, each with what is left of it to delete
        (DELETE /orders/excel/batches/{batch_id}); one whose orders are all deleted is gone."""
        seller = auth.own_seller(caller, seller_id)
        async with runtime.unit_of_work() as uow:
            rows = await excel.listed_batches(uow, seller, limit + 1, offset)
        return page([BatchView.model_validate(r) for r in rows], limit, offset)

    @api.delete("/excel/batches/{batch_id}")
    async def delete_batch(
        caller: auth.CallerDep, batch_id: uuid.UUID, skip_past_matching: bool = False
    ) -> dict[str, Any]:
        """Another seller's batch is answered 404, as a missing one."""
        try:
            async with runtime.unit_of_work() as uow:
                return await excel.delete_batch(uow, caller.seller_id, batch_id, skip_past_matching)
        except excel.BatchNotFound as exc:
            raise HTTPException(404, str(exc)) from exc
        except excel.DeleteRefused as exc:
            raise HTTPException(
                409,
                {
                    "message": f"{exc}; pass skip_past_matching=true to delete the others",
                    "refused": exc.refused,
                },
            ) from exc

    @api.get("/registered-today")
    async def registered_today(
        caller: auth.CallerDep, seller_id: SellerId = None
    ) -> dict[str, Any]:
        """판매처별 오늘 등록된 주문건수: since 00:00 Asia/Seoul, by marketplace and source."""
        seller = auth.own_seller(caller, seller_id)
        today = datetime.now(SEOUL).replace(hour=0, minute=0, second=0, microsecond=0)
        async with runtime.pool.acquire() as conn:
            rows = await changes.registered_since(conn, seller, today)
        by_marketplace: dict[str, int] = {}
        for row in rows:
            by_marketplace[row["marketplace"]] = (
                by_marketplace.get(row["marketplace"], 0) + row["orders"]
            )
        return {
            "date": today.date().isoformat(),
            "by_marketplace": by_marketplace,
            "by_source": rows,
        }

    return api
