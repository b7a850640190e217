"""출고 마감 per seller (`GET`/`PUT /settings/shipping-cutoff`): the time of day (Asia/Seoul) an
order collected before it must ship that day; the overdue-shipping alert's deadline. A seller
who set none has the collector's default (PACKLINE_SHIPPING_CUTOFF). Everyone of the seller
reads it (viewers too); owners and operators change it."""

from datetime import datetime, time
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from packline_collector.domain.shipping_cutoff import format_cutoff, parse_cutoff
from packline_collector.service_layer import shipping_cutoffs
from packline_collector.service_layer.shipping_cutoffs import SellerCutoff
from packline_runtime import auth
from packline_runtime.service import ServiceRuntime

SELLER = "Default: the token's seller; naming another seller is answered 404"
HH_MM = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"
SellerId = Annotated[str | None, Query(min_length=1, max_length=64, description=SELLER)]


class ShippingCutoffIn(BaseModel):
    seller_id: str | None = Field(default=None, min_length=1, max_length=64, description=SELLER)
    cutoff: str | None = Field(
        pattern=HH_MM,
        description="HH:MM, Asia/Seoul (e.g. 15:00); null: back to the collector's default",
        examples=["15:00"],
    )


class ShippingCutoffOut(BaseModel):
    seller_id: str
    cutoff: str = Field(description="The cut-off in force, HH:MM Asia/Seoul")
    timezone: Literal["Asia/Seoul"] = "Asia/Seoul"
    source: Literal["SELLER", "DEFAULT"] = Field(
        description="SELLER: the seller set it; DEFAULT: the collector's PACKLINE_SHIPPING_CUTOFF"
    )
    default_cutoff: str = Field(description="The collector's default, HH:MM Asia/Seoul")
    updated_by: str | None = Field(description="Who set the seller's cut-off (null: default)")
    updated_at: datetime | None = Field(description="When (UTC; null: default)")

    @classmethod
    def of(cls, found: SellerCutoff) -> "ShippingCutoffOut":
        return cls(
            seller_id=found.seller_id,
            cutoff=format_cutoff(found.cutoff),
            source="SELLER" if found.own else "DEFAULT",
            default_cutoff=format_cutoff(found.default),
            updated_by=found.updated_by,
            updated_at=found.updated_at,
        )


def router(runtime: ServiceRuntime, default: time) -> APIRouter:
    api = APIRouter(tags=["settings"])

    @api.get("/settings/shipping-cutoff")
    async def get_shipping_cutoff(
        caller: auth.CallerDep, seller_id: SellerId = None
    ) -> ShippingCutoffOut:
        seller = auth.own_seller(caller, seller_id)
        async with runtime.pool.acquire() as conn:
            return ShippingCutoffOut.of(await shipping_cutoffs.read(conn, seller, default))

    @api.put("/settings/shipping-cutoff")
    async def put_shipping_cutoff(
        body: ShippingCutoffIn, caller: auth.CallerDep
    ) -> ShippingCutoffOut:
        """The seller's own cut-off from now on: the overdue gauge samples it within seconds.
        A cut-off that is not HH:MM (00:00–23:59) is answered 422."""
        seller = auth.own_seller(caller, body.seller_id)
        cutoff = None if body.cutoff is None else parse_cutoff(body.cutoff)
        async with runtime.pool.acquire() as conn:
            changed = await shipping_cutoffs.change(conn, seller, cutoff, caller.sub, default)
        return ShippingCutoffOut.of(changed)

    return api
