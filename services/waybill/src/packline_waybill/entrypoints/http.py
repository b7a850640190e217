"""Waybill HTTP API: look up a tracking number, list waybills by status, counts and band."""

import uuid
from datetime import datetime
from typing import Any, Literal

from fastapi import APIRouter, HTTPException
from pydantic import BaseModel

from packline_couriers import normalise_tracking_number
from packline_runtime.paging import Limit, Offset, Page, page
from packline_runtime.service import ServiceRuntime
from packline_waybill.adapters import bands, views
from packline_waybill.domain.numbers import NumberBand


class WaybillSummary(BaseModel):
    tracking_number: str
    bundle_id: uuid.UUID
    courier_code: str
    seller_id: str
    status: str
    issued_at: datetime
    voided_at: datetime | None


def router(runtime: ServiceRuntime, band: NumberBand) -> APIRouter:
    api = APIRouter(tags=["waybills"])

    @api.get("/waybills/{tracking_number}")
    async def get_waybill(tracking_number: str) -> dict[str, Any]:
        number = normalise_tracking_number(tracking_number)
        async with runtime.pool.acquire() as conn:
            row = await views.get(conn, number)
        if row is None:
            raise HTTPException(
                404, f"no waybill with tracking number {number or tracking_number!r}"
            )
        return row

    @api.get("/waybills")
    async def list_waybills(
        status: Literal["ISSUED", "VOIDED"] = "ISSUED",
        limit: Limit = 100,
        offset: Offset = 0,
    ) -> Page[WaybillSummary]:
        async with runtime.pool.acquire() as conn:
            rows = await views.list_by_status(conn, status, limit + 1, offset)
        return page([WaybillSummary.model_validate(r) for r in rows], limit, offset)

    @api.get("/stats")
    async def stats() -> dict[str, int]:
        async with runtime.pool.acquire() as conn:
            by_status = await views.counts_by_status(conn)
            band_state = await bands.state(conn, band.courier_code)
        remaining = int((band_state or {}).get("remaining", 0))
        return {**by_status, "band_remaining": remaining}

    @api.get("/band")
    async def number_band() -> dict[str, Any]:
        async with runtime.pool.acquire() as conn:
            band_state = await bands.state(conn, band.courier_code)
        return {"courier_code": band.courier_code, **(band_state or {})}

    return api
