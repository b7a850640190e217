"""Bundler HTTP API for seller settings: when bundles seal (hold window, cut-off times or the
button only) and what is never bundled (a SKU, a marketplace)."""

from datetime import timedelta
from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Query
from pydantic import BaseModel, Field

from packline_bundler.adapters import settings
from packline_bundler.domain.sealing import SealSettings, parse_cutoffs
from packline_bundler.service_layer import configure
from packline_runtime.service import ServiceRuntime

Seller = Annotated[str, Query(min_length=1, max_length=64)]


class SealingSettings(BaseModel):
    mode: Literal["HOLD", "CUTOFF", "MANUAL"]
    hold_seconds: int | None = Field(default=None, strict=True, ge=0, le=7 * 24 * 3600)
    cutoffs: str = Field(default="", description='"10:00,14:00", Asia/Seoul (mode CUTOFF)')
    decided_by: str = Field(min_length=1, max_length=64)
    reason: str = Field(default="", max_length=300)


class Exclusion(BaseModel):
    seller_id: str = Field(min_length=1, max_length=64)
    kind: Literal["SKU", "MARKETPLACE"]
    value: str = Field(min_length=1, max_length=64)
    decided_by: str = Field(min_length=1, max_length=64)
    reason: str = Field(default="", max_length=300)


def router(runtime: ServiceRuntime, default_hold: timedelta) -> APIRouter:
    api = APIRouter(tags=["settings"])

    @api.put("/settings/{seller_id}")
    async def put_settings(seller_id: str, body: SealingSettings) -> dict[str, Any]:
        """Sealing rule; the seller's open bundles are rescheduled at once."""
        try:
            cutoffs = parse_cutoffs(body.cutoffs) if body.cutoffs.strip() else ()
        except ValueError as exc:
            raise HTTPException(422, f"cutoffs: {exc}") from exc
        if body.mode == "CUTOFF" and not cutoffs:
            raise HTTPException(422, 'cutoffs: mode CUTOFF needs times, e.g. "10:00,14:00"')
        hold = timedelta(seconds=body.hold_seconds) if body.hold_seconds is not None else None
        rule = SealSettings(body.mode, hold, cutoffs)
        async with runtime.unit_of_work() as uow:
            moved = await configure.sealing(
                uow, seller_id, rule, default_hold, body.decided_by, body.reason
            )
        return {"seller_id": seller_id, "mode": body.mode, "rescheduled_bundles": moved}

    @api.get("/settings/{seller_id}")
    async def get_settings(seller_id: str) -> dict[str, Any]:
        async with runtime.pool.acquire() as conn:
            return await settings.listing(conn, seller_id)

    @api.put("/exclusions")
    async def exclude(body: Exclusion) -> dict[str, Any]:
        """Never bundle (합포 제외) orders of this marketplace or holding this SKU."""
        async with runtime.unit_of_work() as uow:
            await configure.exclusion(
                uow, body.seller_id, body.kind, body.value, True, body.decided_by, body.reason
            )
        return {"excluded": [body.kind, body.value]}

    @api.delete("/exclusions")
    async def include(
        seller_id: Seller,
        kind: Literal["SKU", "MARKETPLACE"],
        value: Annotated[str, Query(min_length=1, max_length=64)],
        decided_by: Annotated[str, Query(min_length=1, max_length=64)],
        reason: Annotated[str, Query(max_length=300)] = "",
    ) -> dict[str, Any]:
        async with runtime.unit_of_work() as uow:
            found = await configure.exclusion(
                uow, seller_id, kind, value, False, decided_by, reason
            )
        if not found:
            raise HTTPException(404, f"{kind} {value} is not excluded for seller {seller_id}")
        return {"included": [kind, value]}

    return api
