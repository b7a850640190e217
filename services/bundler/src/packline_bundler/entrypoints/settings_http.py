"""Bundler HTTP API for seller settings: when bundles seal (hold window, cut-off times or the
button only) and what is never bundled (a SKU, a marketplace)."""

from datetime import timedelta
from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Query
from pydantic import BaseModel, Field

from packline_bundler.adapters import settings
from packline_bundler.domain.sealing import SealSettings, parse_cutoffs
from packline_bundler.service_layer import use_cases
from packline_runtime import auth
from packline_runtime.service import ServiceRuntime

Seller = Annotated[
    str | None,
    Query(min_length=1, max_length=64, description="Default: the signed-in seller; another is 404"),
]
IGNORED_BY = "Ignored: the signed-in person (the token's `sub`) is recorded"


class SealingSettings(BaseModel):
    mode: Literal["HOLD", "CUTOFF", "MANUAL"]
    hold_seconds: int | None = Field(default=None, strict=True, ge=0, le=7 * 24 * 3600)
    cutoffs: str = Field(default="", description='"10:00,14:00", Asia/Seoul (mode CUTOFF)')
    decided_by: str | None = Field(
        default=None, min_length=1, max_length=64, description=IGNORED_BY
    )
    reason: str = Field(default="", max_length=300)


class Exclusion(BaseModel):
    seller_id: str | None = Field(
        default=None, min_length=1, max_length=64, description="Default: the signed-in seller"
    )
    kind: Literal["SKU", "MARKETPLACE"]
    value: str = Field(min_length=1, max_length=64)
    decided_by: str | None = Field(
        default=None, min_length=1, max_length=64, description=IGNORED_BY
    )
    reason: str = Field(default="", max_length=300)


def router(runtime: ServiceRuntime, default_hold: timedelta) -> APIRouter:
    api = APIRouter(tags=["settings"])

    @api.put("/settings/{seller_id}")
    async def put_settings(
        caller: auth.OwnerDep, seller_id: str, body: SealingSettings
    ) -> dict[str, Any]:
        """Sealing rule (the owner's); the seller's open bundles are rescheduled at once.
        Another seller's settings are answered 404."""
        seller_id = auth.own_seller(caller, seller_id)
        try:
            cutoffs = parse_cutoffs(body.cutoffs) if body.cutoffs.strip() else ()
        except ValueError as exc:
            raise HTTPException(422, f"cutoffs: {exc}") from exc
        if body.mode == "CUTOFF" and not cutoffs:
            raise HTTPException(422, 'cutoffs: mode CUTOFF needs times, e.g. "10:00,14:00"')
        hold = timedelta(seconds=body.hold_seconds) if body.hold_seconds is not None else None
        rule = SealSettings(body.mode, hold, cutoffs)
        async with runtime.unit_of_work() as uow:
            moved = await use_cases.sealing(
                uow, seller_id, rule, default_hold, caller.sub, body.reason
            )
        return {"seller_id": seller_id, "mode": body.mode, "rescheduled_bundles": moved}

    @api.get("/settings/{seller_id}")
    async def get_settings(caller: auth.CallerDep, seller_id: str) -> dict[str, Any]:
        """Another seller's settings are answered 404."""
        async with runtime.pool.acquire() as conn:
            return await settings.listing(conn, auth.own_seller(caller, seller_id))

    @api.put("/exclusions")
    async def exclude(caller: auth.OwnerDep, body: Exclusion) -> dict[str, Any]:
        """Never bundle (합포 제외) orders of this marketplace or holding this SKU (the owner's)."""
        seller = auth.own_seller(caller, body.seller_id)
        async with runtime.unit_of_work() as uow:
            await use_cases.exclusion(
                uow, seller, body.kind, body.value, True, caller.sub, body.reason
            )
        return {"excluded": [body.kind, body.value]}

    @api.delete("/exclusions")
    async def include(
        caller: auth.OwnerDep,
        kind: Literal["SKU", "MARKETPLACE"],
        value: Annotated[str, Query(min_length=1, max_length=64)],
        seller_id: Seller = None,
        decided_by: Annotated[
            str | None, Query(min_length=1, max_length=64, description=IGNORED_BY)
        ] = None,
        reason: Annotated[str, Query(max_length=300)] = "",
    ) -> dict[str, Any]:
        """Bundle them again (the owner's)."""
        seller_id = auth.own_seller(caller, seller_id)
        async with runtime.unit_of_work() as uow:
            found = await use_cases.exclusion(
                uow, seller_id, kind, value, False, caller.sub, reason
            )
        if not found:
            raise HTTPException(404, f"{kind} {value} is not excluded for seller {seller_id}")
        return {"included": [kind, value]}

    return api
