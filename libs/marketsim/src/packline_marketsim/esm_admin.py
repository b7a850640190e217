"""Admin routes for ESM orders (`/_sim/esm/{master_id}/...`): list them as the API renders them,
and what a buyer or the seller centre does to one (cancel, a new address, a status by hand)."""

from typing import Any

from fastapi import APIRouter, HTTPException
from pydantic import BaseModel, ConfigDict, Field

from packline_marketsim import esm_state
from packline_marketsim.esm_state import EsmOrder
from packline_marketsim.people import buyer
from packline_marketsim.state import Simulator


class EsmStatusChange(BaseModel):
    model_config = ConfigDict(extra="forbid")
    status: int | None = Field(default=None, ge=1, le=5, description="OrderStatus 1..5")
    tracking_number: str | None = Field(default=None, description="NoSongjang; empty clears it")


def router(sim: Simulator) -> APIRouter:
    api = APIRouter(prefix="/_sim/esm", tags=["simulator admin"])

    def order(master_id: str, order_no: str) -> EsmOrder:
        found = sim.esm_orders.get(master_id, {})
        o = found.get(int(order_no)) if order_no.isdigit() else None
        if o is None:
            raise HTTPException(404, f"no ESM order {order_no} for master {master_id}")
        return o

    @api.get("/{master_id}/orders")
    async def list_orders(master_id: str) -> list[dict[str, Any]]:
        return [esm_state.render(o) for o in sim.esm_orders.get(master_id, {}).values()]

    @api.post("/{master_id}/orders/{order_no}/cancel")
    async def cancel(master_id: str, order_no: str) -> dict[str, Any]:
        """The buyer cancels: done at once while 결제완료, a request once 주문확인 was made."""
        o = order(master_id, order_no)
        sim.cancel_esm(o)
        return {"status": o.status, "cancel_status": (o.cancel or {}).get("CancelStatus")}

    @api.post("/{master_id}/orders/{order_no}/address")
    async def change_address(master_id: str, order_no: str) -> dict[str, Any]:
        """The buyer gives another address; 주문확인 then answers IsChanged=1."""
        o = order(master_id, order_no)
        who = buyer(sim.rng)
        front = who.building.road
        o.receiver |= {
            "ZipCode": who.building.postcode,
            "DelFrontAddress": front,
            "DelBackAddress": who.unit(0),
            "DelFullAddress": f"{front} {who.unit(0)}",
        }
        o.address_changed = True
        return {"status": o.status}

    @api.post("/{master_id}/orders/{order_no}/status")
    async def change_status(master_id: str, order_no: str, body: EsmStatusChange) -> Any:
        """By hand, as in ESM+: another status or tracking number, logged nowhere."""
        o = order(master_id, order_no)
        if body.status is not None:
            o.status = body.status
        if body.tracking_number is not None:
            o.invoice = body.tracking_number
        return {"status": o.status, "tracking_number": o.invoice}

    return api
