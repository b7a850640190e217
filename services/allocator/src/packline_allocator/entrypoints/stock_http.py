"""Allocator HTTP API for stock changes with a reason and their audit trail (재고 입고 / 조정 /
반품 재입고 / 실사), 재고 업로드 by file, and 안전재고 (safety stock) set and released."""

import asyncio
import uuid
from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Query, Request, Response
from pydantic import BaseModel, Field

from packline_allocator.adapters import movements as audit
from packline_allocator.adapters import stock_sheets
from packline_allocator.domain.ledger import MAX_ON_HAND
from packline_allocator.domain.movements import BatchRefused, MoveLine, MovementReason
from packline_allocator.domain.stock_sheet import SheetRejected
from packline_allocator.service_layer import stock_changes, stock_upload, use_cases
from packline_runtime import auth, search
from packline_runtime.paging import Limit, Offset, Page, page
from packline_runtime.service import ServiceRuntime

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_FILE_BYTES = 16 * 1024 * 1024
MAX_ITEMS = 10_000
SELLER = "Default: the token's seller; naming another seller is answered 404"
BY = "Ignored: the token's person (`sub`) is recorded as the one who did it"
SellerId = Annotated[str | None, Query(min_length=1, max_length=64, description=SELLER)]
Sku = Annotated[str, Field(min_length=1, max_length=64)]
Note = Annotated[str, Field(max_length=500, description="Why, in the seller's words")]
StockReason = Literal["RECEIPT", "ADJUSTMENT", "RETURN_RESTOCK", "STOCKTAKE"]
REASONS = (
    "RECEIPT (입고), ADJUSTMENT (조정), RETURN_RESTOCK (반품 재입고): quantity is a signed "
    "change of on hand; STOCKTAKE (실사): quantity is the counted level"
)


class MoveItem(BaseModel):
    sku: Sku
    quantity: int = Field(strict=True, ge=-MAX_ON_HAND, le=MAX_ON_HAND, description=REASONS)


class StockMovements(BaseModel):
    seller_id: str | None = Field(default=None, min_length=1, max_length=64, description=SELLER)
    by: str | None = Field(default=None, max_length=100, description=BY)
    reason: StockReason = Field(description=REASONS)
    note: Note = ""
    items: tuple[MoveItem, ...] = Field(min_length=1, max_length=MAX_ITEMS)


class SafetyItem(BaseModel):
    sku: Sku
    safety: int = Field(strict=True, ge=0, le=MAX_ON_HAND, description="Units held back")


class SetSafety(BaseModel):
    seller_id: str | None = Field(default=None, min_length=1, max_length=64, description=SELLER)
    by: str | None = Field(default=None, max_length=100, description=BY)
    note: Note = ""
    items: tuple[SafetyItem, ...] = Field(min_length=1, max_length=MAX_ITEMS)


class ReleaseSafety(BaseModel):
    seller_id: str | None = Field(default=None, min_length=1, max_length=64, description=SELLER)
    by: str | None = Field(default=None, max_length=100, description=BY)
    note: Note = ""
    skus: tuple[Sku, ...] = Field(min_length=1, max_length=MAX_ITEMS)


class MovedSku(BaseModel):
    sku: str
    delta: int = Field(description="Change of on hand; for safety rows, of the safety stock")
    on_hand_after: int
    safety_after: int


class MovementBatch(BaseModel):
    batch_id: uuid.UUID
    reason: MovementReason
    movements: list[MovedSku] = Field(description="One audit row per SKU")
    bundles_allocated: int = Field(description="Bundles the wave after the change allocated")


class MovementRow(BaseModel):
    id: int
    batch_id: uuid.UUID
    sku: str
    reason: MovementReason
    delta: int = Field(description="Change of on hand; for SAFETY_* rows, of the safety stock")
    on_hand_after: int
    safety_after: int
    note: str
    by: str = Field(description="Who did it (the token's person)")
    at: datetime


def _batch(moved: stock_changes.Moved) -> MovementBatch:
    return MovementBatch(
        batch_id=moved.batch_id,
        reason=moved.movements[0].reason,
        movements=[
            MovedSku(
                sku=m.sku, delta=m.delta, on_hand_after=m.on_hand_after, safety_after=m.safety_after
            )
            for m in moved.movements
        ],
        bundles_allocated=moved.bundles_allocated,
    )


def _refused(exc: BatchRefused) -> HTTPException:
    return HTTPException(
        422,
        {
            "message": "nothing was changed; fix these SKUs and send the batch again",
            "skus": [{"sku": p.sku, "message": p.message} for p in exc.problems],
        },
    )


def _rejected(exc: SheetRejected) -> HTTPException:
    return HTTPException(
        422,
        {
            "message": "nothing was changed; fix these rows and send the whole file again",
            "problems": len(exc.errors),
            "rows": [e.__dict__ for e in exc.errors],
        },
    )


def router(runtime: ServiceRuntime) -> APIRouter:
    api = APIRouter(tags=["stock (재고)"])

    @api.post("/stock/movements", status_code=201)
    async def move_stock(body: StockMovements, caller: auth.CallerDep) -> MovementBatch:
        """입고 / 조정 / 반품 재입고 / 실사, all or nothing: a SKU whose on hand would turn
        negative or drop below what allocated bundles reserve refuses the batch (422, each SKU
        named). One audit row per SKU; then a wave over the SKUs that gained stock."""
        seller = auth.own_seller(caller, body.seller_id)
        lines = [MoveLine(i.sku, i.quantity, body.note) for i in body.items]
        try:
            async with runtime.unit_of_work() as uow:
                moved = await use_cases.move_stock(
                    uow, seller, MovementReason(body.reason), lines, caller.sub
                )
        except BatchRefused as exc:
            raise _refused(exc) from exc
        return _batch(moved)

    @api.get("/stock/movements")
    async def list_movements(
        caller: auth.CallerDep,
        seller_id: SellerId = None,
        sku: Annotated[str | None, Query(min_length=1, max_length=64)] = None,
        since: search.Since = None,
        q: search.Search = None,
        limit: Limit = 100,
        offset: Offset = 0,
        reason: Annotated[MovementReason | None, Query(description="Only this reason")] = None,
    ) -> Page[MovementRow]:
        """The seller's stock changes, newest first: `sku` one SKU's; `since` from then on;
        `q` searches the SKU, the note and who did it; `reason` one reason's."""
        seller = auth.own_seller(caller, seller_id)
        chosen = reason.value if reason else None
        async with runtime.pool.acquire() as conn:
            rows = await audit.listing(conn, seller, sku, since, q, limit + 1, offset, chosen)
        return page([MovementRow.model_validate(r) for r in rows], limit, offset)

    @api.post(
        "/stock/upload",
        status_code=201,
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {
                    XLSX: {"schema": {"type": "string", "format": "binary"}},
                    "text/csv": {"schema": {"type": "string", "format": "binary"}},
                },
            }
        },
    )
    async def upload(
        caller: auth.CallerDep,
        request: Request,
        seller_id: SellerId = None,
        reason: Annotated[StockReason, Query(description=REASONS)] = "RECEIPT",
        by: Annotated[str | None, Query(max_length=100, description=BY)] = None,
    ) -> MovementBatch:
        """재고 업로드: the .xlsx or .csv file is the body; columns by header (SKU/상품코드,
        수량/재고수량, 메모; others ignored). Any broken row refuses the whole file with every
        problem by row and column (422); nothing is changed."""
        seller = auth.own_seller(caller, seller_id)
        data = await request.body()
        if len(data) > MAX_FILE_BYTES:
            raise HTTPException(413, f"file is larger than {MAX_FILE_BYTES // 2**20} MiB; split it")
        if not data:
            raise HTTPException(422, "empty body: send the .xlsx or .csv file as the request body")
        try:
            found = await asyncio.to_thread(stock_upload.parse, data)
            async with runtime.unit_of_work() as uow:
                moved = await use_cases.upload_stock(
                    uow, seller, MovementReason(reason), found, caller.sub
                )
        except SheetRejected as exc:
            raise _rejected(exc) from exc
        return _batch(moved)

    @api.get(
        "/stock/upload/template",
        response_class=Response,
        responses={200: {"content": {XLSX: {}}, "description": "The 재고 업로드 template"}},
    )
    async def template(caller: auth.CallerDep) -> Response:
        """The upload template: 상품코드 (as text), 수량, 메모, and a guide sheet."""
        return Response(
            stock_sheets.template(),
            media_type=XLSX,
            headers={"Content-Disposition": 'attachment; filename="packline-stock.xlsx"'},
        )

    @api.put("/stock/safety")
    async def set_safety(body: SetSafety, caller: auth.CallerDep) -> MovementBatch:
        """안전재고: units per SKU held back from allocation (available = on hand − reserved −
        safety), all or nothing, audited (SAFETY_SET); a lowered one lets bundles go."""
        seller = auth.own_seller(caller, body.seller_id)
        lines = [MoveLine(i.sku, i.safety, body.note) for i in body.items]
        try:
            async with runtime.unit_of_work() as uow:
                moved = await use_cases.set_safety(uow, seller, lines, caller.sub)
        except BatchRefused as exc:
            raise _refused(exc) from exc
        return _batch(moved)

    @api.post("/stock/safety/release", status_code=201)
    async def release_safety(body: ReleaseSafety, caller: auth.CallerDep) -> MovementBatch:
        """A person releases the safety stock of these SKUs to the marketplaces (to 0, audited
        SAFETY_RELEASE) and a wave gives it out; a SKU without a stock row refuses (422)."""
        seller = auth.own_seller(caller, body.seller_id)
        try:
            async with runtime.unit_of_work() as uow:
                moved = await use_cases.release_safety(
                    uow, seller, list(body.skus), caller.sub, body.note
                )
        except BatchRefused as exc:
            raise _refused(exc) from exc
        return _batch(moved)

    return api
