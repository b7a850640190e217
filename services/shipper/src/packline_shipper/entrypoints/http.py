"""Shipper HTTP API: scan labels to ship (출고 스캔), list and look up parcels, counts."""

import uuid
from datetime import datetime
from typing import Any, Literal

from fastapi import APIRouter, HTTPException
from pydantic import BaseModel, Field

from packline_couriers import normalise_tracking_number
from packline_runtime.paging import Limit, Offset, Page, page
from packline_runtime.service import ServiceRuntime
from packline_shipper.adapters import views
from packline_shipper.domain.scan import ScanRejected
from packline_shipper.service_layer import scanning

MAX_SCAN = 1000


class ScanRequest(BaseModel):
    tracking_numbers: list[str] = Field(min_length=1, max_length=MAX_SCAN)
    scanned_by: str = Field(min_length=1, max_length=64, description="Scanner or worker id")


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

    @api.post("/scan")
    async def scan(body: ScanRequest) -> dict[str, list[str]]:
        """All or nothing: one unknown or stopped number rejects the whole scan (422)."""
        try:
            async with runtime.unit_of_work() as uow:
                result = await scanning.scan(uow, body.tracking_numbers, body.scanned_by)
        except ScanRejected as exc:
            problems = [
                {"tracking_number": p.tracking_number, "reason": p.reason} for p in exc.problems
            ]
            raise HTTPException(422, {"message": str(exc), "rejected": problems}) from exc
        return {"shipped": result.shipped, "already_shipped": result.already_shipped}

    @api.get("/parcels")
    async def list_parcels(
        status: Literal["READY", "SHIPPED", "STOPPED", "RELABEL", "VOIDED"] = "READY",
        limit: Limit = 100,
        offset: Offset = 0,
    ) -> Page[ParcelSummary]:
        async with runtime.pool.acquire() as conn:
            rows = await views.list_by_status(conn, status, limit + 1, offset)
        return page([ParcelSummary.model_validate(r) for r in rows], limit, offset)

    @api.get("/parcels/{tracking_number}")
    async def get_parcel(tracking_number: str) -> dict[str, Any]:
        number = normalise_tracking_number(tracking_number)
        async with runtime.pool.acquire() as conn:
            row = await views.get(conn, number)
        if row is None:
            raise HTTPException(
                404, f"no parcel with tracking number {number or tracking_number!r}"
            )
        return row

    @api.get("/stats")
    async def stats() -> dict[str, int]:
        async with runtime.pool.acquire() as conn:
            return await views.counts(conn)

    return api
