"""Allocator HTTP API for 미할당주문나누기 (partial shipment): whether a short bundle may ship the
orders that fit and send the rest later, per seller and optionally per marketplace."""

from fastapi import APIRouter
from pydantic import BaseModel, Field, StrictBool

from packline_allocator.adapters.unit_of_work import AllocatorUnitOfWork
from packline_allocator.domain.partial import PartialShipment
from packline_allocator.entrypoints.http import SellerId
from packline_allocator.service_layer import partial_setting
from packline_contracts import Marketplace
from packline_runtime import auth
from packline_runtime.service import ServiceRuntime


class PartialSetting(BaseModel):
    seller_id: str | None = Field(
        default=None, min_length=1, max_length=64, description="Default: the caller's seller"
    )
    allowed: StrictBool = Field(description="A short bundle ships the orders that fit")
    marketplaces: dict[Marketplace, StrictBool] = Field(
        default_factory=dict,
        description="Per marketplace, overriding `allowed`; a bundle splits only when every"
        " marketplace of its orders allows it",
    )


class PartialSettingOut(BaseModel):
    seller_id: str
    allowed: bool
    marketplaces: dict[str, bool]

    @classmethod
    def of(cls, s: PartialShipment) -> "PartialSettingOut":
        return cls(seller_id=s.seller_id, allowed=s.allowed, marketplaces=dict(s.marketplaces))


def router(runtime: ServiceRuntime) -> APIRouter:
    api = APIRouter(tags=["partial shipment"])

    @api.get("/settings/partial")
    async def get_partial(caller: auth.CallerDep, seller_id: SellerId = None) -> PartialSettingOut:
        """The seller's setting (never saved: not allowed, bundles ship whole)."""
        seller = auth.own_seller(caller, seller_id)
        async with runtime.unit_of_work() as uow:
            found = await partial_setting.setting_of(AllocatorUnitOfWork(uow), seller)
        return PartialSettingOut.of(found)

    @api.put("/settings/partial")
    async def put_partial(body: PartialSetting, caller: auth.CallerDep) -> PartialSettingOut:
        """Change it; the next wave applies it."""
        seller = auth.own_seller(caller, body.seller_id)
        marketplaces = {m.value: v for m, v in body.marketplaces.items()}
        async with runtime.unit_of_work() as uow:
            work = AllocatorUnitOfWork(uow)
            saved = await partial_setting.change(
                work, seller, body.allowed, marketplaces, caller.sub
            )
        return PartialSettingOut.of(saved)

    return api
