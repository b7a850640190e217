"""How a seller's allocation waves run: continuously as stock and bundles arrive, only by
할당처리, or every N minutes (`GET`/`PUT /settings/waves`)."""

from typing import Annotated

from fastapi import APIRouter, HTTPException
from pydantic import BaseModel, Field

from packline_allocator.domain.wave_modes import ModeRefused, WaveMode, WaveSchedule
from packline_allocator.entrypoints.http import SellerId
from packline_allocator.service_layer import use_cases
from packline_runtime import auth
from packline_runtime.service import ServiceRuntime

SELLER = "Default: the token's seller; naming another seller is answered 404"


class WaveModeIn(BaseModel):
    seller_id: str | None = Field(default=None, min_length=1, max_length=64, description=SELLER)
    mode: WaveMode = Field(
        description="CONTINUOUS: as stock and bundles arrive; MANUAL: only 할당처리; "
        "SCHEDULED: every `every_minutes` (and 할당처리)"
    )
    every_minutes: Annotated[int, Field(ge=1, le=1440)] | None = Field(
        default=None, description="SCHEDULED only"
    )


class WaveModeOut(BaseModel):
    mode: WaveMode
    every_minutes: int | None
    last_run_at: str | None = Field(description="The last scheduled wave (ISO 8601, UTC)")

    @classmethod
    def of(cls, s: WaveSchedule) -> "WaveModeOut":
        last = s.last_run_at.isoformat() if s.last_run_at else None
        return cls(mode=s.mode, every_minutes=s.every_minutes, last_run_at=last)


def router(runtime: ServiceRuntime) -> APIRouter:
    api = APIRouter(tags=["allocation waves"])

    @api.get("/settings/waves")
    async def get_wave_mode(caller: auth.CallerDep, seller_id: SellerId = None) -> WaveModeOut:
        seller = auth.own_seller(caller, seller_id)
        async with runtime.unit_of_work() as uow:
            return WaveModeOut.of(await use_cases.wave_mode(uow, seller))

    @api.put("/settings/waves")
    async def put_wave_mode(body: WaveModeIn, caller: auth.CallerDep) -> WaveModeOut:
        """422 when `every_minutes` is missing for SCHEDULED or given for another mode."""
        seller = auth.own_seller(caller, body.seller_id)
        try:
            schedule = WaveSchedule(body.mode, body.every_minutes)
        except ModeRefused as exc:
            raise HTTPException(422, str(exc)) from exc
        async with runtime.unit_of_work() as uow:
            await use_cases.set_wave_mode(uow, seller, schedule, caller.sub)
            return WaveModeOut.of(await use_cases.wave_mode(uow, seller))

    return api
