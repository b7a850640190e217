"""Coupang WING Open API routes: order sheets (v4 and v5), one box, acknowledgement, invoices."""

from typing import Annotated, Any

from fastapi import APIRouter, Body, HTTPException, Query, Request

from packline_marketsim import coupang_auth, coupang_render, coupang_state, faults
from packline_marketsim.coupang_invoices import apply_invoices
from packline_marketsim.coupang_state import CoupangBox
from packline_marketsim.coupang_window import window
from packline_marketsim.state import Simulator

BASE = "/v2/providers/openapi/apis/api"
MAX_PER_PAGE = 50
MAX_ACKNOWLEDGE = 50


def ok(data: Any, **extra: Any) -> dict[str, Any]:
    return {"code": 200, "message": "OK", "data": data, **extra}


def router(sim: Simulator) -> APIRouter:
    api = APIRouter(tags=["Coupang WING"])

    def boxes(vendor_id: str) -> dict[int, CoupangBox]:
        return sim.boxes.setdefault(vendor_id, {})

    def apply_state(found: faults.Faults, named: list[str], vendor_id: str) -> None:
        for rule in found.change_address:
            for box_id in faults.targets(rule, named):
                if (box := boxes(vendor_id).get(int(box_id))) and box.status == "ACCEPT":
                    coupang_state.move(box, sim.rng)
        for rule in found.cancel:
            for box_id in faults.targets(rule, named):
                if box := boxes(vendor_id).get(int(box_id)):
                    coupang_state.cancel(box, None, None)

    async def list_sheets(
        request: Request,
        vendor_id: str,
        version: int,
        created_from: str,
        created_to: str,
        status: str | None,
        max_per_page: int,
        next_token: str,
        search_type: str,
    ) -> Any:
        coupang_auth.verify(sim, request, vendor_id)
        found = await faults.take(sim, request, "COUPANG", vendor_id, "ordersheets")
        if found.response:
            return found.response
        if status not in coupang_state.STATUSES:
            raise HTTPException(
                400, f"status is required, one of {', '.join(coupang_state.STATUSES)}"
            )
        if not 1 <= max_per_page <= MAX_PER_PAGE:
            raise HTTPException(400, f"maxPerPage must be 1..{MAX_PER_PAGE}")
        start, end = window(created_from, created_to, search_type)
        rows = sorted(
            (
                b
                for b in boxes(vendor_id).values()
                if b.status == status and start <= b.ordered_at < end
            ),
            key=lambda b: (b.ordered_at, b.shipment_box_id),
        )
        offset = int(next_token) if next_token.isdigit() else 0
        page = rows[offset : offset + max_per_page]
        apply_state(found, [str(b.shipment_box_id) for b in page], vendor_id)
        data = [
            coupang_render.render(b, version, found.malformed and i == 0)
            for i, b in enumerate(page)
        ]
        more = offset + max_per_page < len(rows)
        return ok(data, nextToken=str(offset + max_per_page) if more else "")

    def list_route(version: int) -> Any:
        async def ordersheets(
            request: Request,
            vendor_id: str,
            created_from: Annotated[str, Query(alias="createdAtFrom")],
            created_to: Annotated[str, Query(alias="createdAtTo")],
            status: Annotated[str | None, Query()] = None,
            max_per_page: Annotated[int, Query(alias="maxPerPage")] = MAX_PER_PAGE,
            next_token: Annotated[str, Query(alias="nextToken")] = "",
            search_type: Annotated[str, Query(alias="searchType")] = "",
        ) -> Any:
            return await list_sheets(
                request,
                vendor_id,
                version,
                created_from,
                created_to,
                status,
                max_per_page,
                next_token,
                search_type,
            )

        return ordersheets

    def box_route(version: int) -> Any:
        async def ordersheet(request: Request, vendor_id: str, box_id: str) -> Any:
            coupang_auth.verify(sim, request, vendor_id)
            found = await faults.take(sim, request, "COUPANG", vendor_id, "ordersheet")
            if found.response:
                return found.response
            apply_state(found, [box_id], vendor_id)
            box = boxes(vendor_id).get(int(box_id)) if box_id.isdigit() else None
            if box is None:
                raise HTTPException(404, f"no shipment box {box_id} for vendor {vendor_id}")
            return ok(coupang_render.render(box, version, found.malformed))

        return ordersheet

    for version in (4, 5):
        sheets = f"{BASE}/v{version}/vendors/{{vendor_id}}/ordersheets"
        api.add_api_route(
            sheets, list_route(version), methods=["GET"], name=f"ordersheets_v{version}"
        )
        api.add_api_route(
            sheets + "/{box_id}", box_route(version), methods=["GET"], name=f"ordersheet_v{version}"
        )

    @api.patch(f"{BASE}/v4/vendors/{{vendor_id}}/ordersheets/acknowledgement", name="acknowledge")
    async def acknowledge(
        request: Request, vendor_id: str, body: Annotated[dict[str, Any], Body()]
    ) -> Any:
        coupang_auth.verify(sim, request, vendor_id)
        found = await faults.take(sim, request, "COUPANG", vendor_id, "acknowledge")
        if found.response:
            return found.response
        ids = [str(i) for i in body.get("shipmentBoxIds") or []]
        if not ids or len(ids) > MAX_ACKNOWLEDGE or str(body.get("vendorId")) != vendor_id:
            raise HTTPException(400, f"send vendorId and 1..{MAX_ACKNOWLEDGE} shipmentBoxIds")
        apply_state(found, ids, vendor_id)
        results = []
        for n, box_id in enumerate(ids):
            box = boxes(vendor_id).get(int(box_id)) if box_id.isdigit() else None
            code, retry = "OK", False
            if found.ack_retry and n == 0:
                code, retry = "TEMPORARY_ERROR", True
            elif box is None:
                code = "NOT_FOUND"
            elif box.fully_cancelled():
                code = "ORDER_CANCELED"
            elif box.status != "ACCEPT":
                code = "INVALID_STATUS"
            else:
                box.status = "INSTRUCT"
            results.append(
                {
                    "shipmentBoxId": int(box_id) if box_id.isdigit() else box_id,
                    "succeed": code == "OK",
                    "resultCode": code,
                    "retryRequired": retry,
                    "resultMessage": "" if code == "OK" else code,
                }
            )
        failed = sum(not r["succeed"] for r in results)
        return ok(
            {
                "responseCode": 0 if not failed else (1 if failed < len(results) else 99),
                "responseMessage": "SUCCESS" if not failed else "PARTIAL_OR_FAILED",
                "responseList": results,
            }
        )

    def invoice_route(operation: str) -> Any:
        update = operation == "updateInvoices"

        async def invoices(
            request: Request, vendor_id: str, body: Annotated[dict[str, Any], Body()]
        ) -> Any:
            coupang_auth.verify(sim, request, vendor_id)
            found = await faults.take(sim, request, "COUPANG", vendor_id, operation)
            if found.response:
                return found.response
            rows = body.get("orderSheetInvoiceApplyDtos") or []
            if not rows or str(body.get("vendorId")) != vendor_id:
                raise HTTPException(400, "send vendorId and orderSheetInvoiceApplyDtos")
            return ok(
                apply_invoices(
                    boxes(vendor_id),
                    rows,
                    lambda box, item, courier, number, code: sim.record_push(
                        "COUPANG", vendor_id, box, item, courier, number, code, operation
                    ),
                    update,
                )
            )

        return invoices

    for operation in ("invoices", "updateInvoices"):
        api.add_api_route(
            f"{BASE}/v4/vendors/{{vendor_id}}/orders/{operation}",
            invoice_route(operation),
            methods=["POST"],
            name=operation,
        )

    return api
