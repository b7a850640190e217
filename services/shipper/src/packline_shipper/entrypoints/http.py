"""Shipper HTTP API: list and look up parcels, counts (the scan routes are in scan_http)."""

import uuid
from datetime import datetime
from typing import Any, Literal

from fastapi import APIRouter, HTTPException
from pydantic import BaseModel

from packline_couriers import normalise_tracking_number
from packline_runtime.paging import Limit, Offset, Page, page
from packline_runtime.service import ServiceRuntime
from packline_shipper.adapters import views


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
