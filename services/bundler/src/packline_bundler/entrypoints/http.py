"""Bundler HTTP API: the console's 합포처리 button (seal now), decisions and counts."""

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field

from packline_bundler.adapters import repository as repo
from packline_bundler.service_layer import use_cases
from packline_runtime import auth
from packline_runtime.service import ServiceRuntime
from packline_runtime.tokens import Role


class SealRequest(BaseModel):
    seller_id: str | None = Field(
        default=None, min_length=1, max_length=64, description="Default: the signed-in seller"
    )


def router(runtime: ServiceRuntime) -> APIRouter:
    api = APIRouter(tags=["bundling"])

    @api.post("/bundles/seal")
    async def seal_now(caller: auth.CallerDep, body: SealRequest | None = None) -> dict[str, Any]:
        """Seal every open bundle of the seller, except those waiting for a review decision."""
        seller = auth.own_seller(caller, body.seller_id if body else None)
        total = 0
        while True:  # in chunks, so one click on thousands of bundles is not one huge transaction
            async with runtime.unit_of_work() as uow:
                sealed = await use_cases.seal(uow, limit=500, seller_id=seller, now=True)
            total += sealed
            if sealed == 0:
                return {"sealed": total}

    @api.get("/stats")
    async def stats(caller: auth.CallerDep) -> dict[str, int]:
        """The caller's seller's counts; across sellers for the platform role sre."""
        seller = None if caller.role is Role.SRE else caller.seller_id
        async with runtime.pool.acquire() as conn:
            return await repo.stats(conn, seller)

    return api
