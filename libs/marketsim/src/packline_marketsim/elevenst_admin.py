"""The simulator's admin routes for 11st (`/_sim/orders/ELEVENST/...`): its lines as the seller
centre shows them, a buyer's cancel, a status or invoice changed by hand."""

from typing import Any

from fastapi import APIRouter, HTTPException
from pydantic import BaseModel, ConfigDict, Field

from packline_marketsim import elevenst_state, elevenst_xml
from packline_marketsim.elevenst_state import ElevenstLine
from packline_marketsim.state import Simulator

BASE = "/_sim/orders/ELEVENST/{account}"


class LineChange(BaseModel):
    model_config = ConfigDict(extra="forbid")
    status: str | None = Field(default=None, description="ordPrdStat: 202, 301, 401, 501, B01…")
    tracking_number: str | None = Field(default=None, description="invcNo; empty clears it")


def router(sim: Simulator) -> APIRouter:
    api = APIRouter(tags=["simulator admin"])

    def bundle(account: str, dlv_no: str) -> list[ElevenstLine]:
        found = [ln for ln in sim.elevenst_lines.get(account, {}).values() if ln.dlv_no == dlv_no]
        if not found:
            raise HTTPException(404, f"no 11st dlvNo {dlv_no} for {account}")
        return found

    @api.get(BASE)
    async def list_lines(account: str) -> list[dict[str, Any]]:
        """Every line with its status (ordPrdStat) and invoice."""
        return [
            elevenst_xml.order_row(ln) | elevenst_xml.status_row(ln)
            for ln in sim.elevenst_lines.get(account, {}).values()
        ]

    @api.post(BASE + "/{dlv_no}/cancel")
    async def cancel(account: str, dlv_no: str) -> dict[str, str]:
        """The buyer cancels every line of the dlvNo: done at once before 발주확인 (B01), a
        request (701, 취소요청) after it."""
        lines = bundle(account, dlv_no)
        for line in lines:
            elevenst_state.cancel(line, sim.now())
        return {"status": lines[0].status}

    @api.post(BASE + "/{dlv_no}/status")
    async def change(account: str, dlv_no: str, body: LineChange) -> dict[str, str]:
        """Status or invoice changed by hand in the seller centre (nothing else changes)."""
        lines = bundle(account, dlv_no)
        if body.status is not None and body.status not in elevenst_state.STATUS_NAMES:
            raise HTTPException(
                422, f"{body.status} is not one of {sorted(elevenst_state.STATUS_NAMES)}"
            )
        for line in lines:
            line.status = body.status or line.status
            if body.tracking_number is not None:
                line.invoice_number = body.tracking_number
        return {"status": lines[0].status, "tracking_number": lines[0].invoice_number}

    return api
