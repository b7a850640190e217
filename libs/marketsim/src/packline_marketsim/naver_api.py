"""Naver Commerce API routes: token, last-changed statuses, query, confirm (발주확인), dispatch."""

import secrets
from datetime import datetime, timedelta
from typing import Annotated, Any
from urllib.parse import parse_qsl

from fastapi import APIRouter, Body, Query, Request

from packline_marketsim import faults, naver_auth, naver_dispatch, naver_state
from packline_marketsim.naver_auth import NaverError
from packline_marketsim.naver_state import NaverProductOrder, stamp
from packline_marketsim.state import Simulator

BASE = "/external/v1"
ORDERS = f"{BASE}/pay-order/seller/product-orders"
MAX_CHANGES, MAX_QUERY, MAX_CONFIRM, MAX_DISPATCH = 300, 300, 30, 30


def wrap(data: Any) -> dict[str, Any]:
    return {
        "timestamp": stamp(datetime.now().astimezone()),
        "traceId": secrets.token_hex(8),
        "data": data,
    }


def _moment(name: str, text: str) -> datetime:
    try:  # an unencoded '+' arrives as a space
        moment = datetime.fromisoformat(text.strip().replace(" ", "+"))
    except ValueError as exc:
        raise NaverError(
            400, "BadRequest", f"{name} must be like 2026-11-28T09:00:00.000+09:00"
        ) from exc
    if moment.tzinfo is None:
        raise NaverError(400, "BadRequest", f"{name} needs an offset such as +09:00")
    return moment


def _ids(body: dict[str, Any], key: str, limit: int) -> list[str]:
    ids = [str(i) for i in body.get(key) or []]
    if not ids or len(ids) > limit:
        raise NaverError(400, "BadRequest", f"{key} must hold 1..{limit} ids")
    return ids


def router(sim: Simulator) -> APIRouter:
    api = APIRouter(tags=["Naver Commerce"])

    def orders(client_id: str) -> dict[str, NaverProductOrder]:
        return sim.product_orders.setdefault(client_id, {})

    async def begin(
        request: Request, operation: str, named: list[str]
    ) -> tuple[str, faults.Faults]:
        client_id = naver_auth.client_of(sim, request)
        found = await faults.take(sim, request, "NAVER", client_id, operation)
        for rule in found.change_address:
            for po_id in faults.targets(rule, named):
                if (po := orders(client_id).get(po_id)) and po.status == "PAYED":
                    sim.move_naver(po)
        for rule in found.cancel:
            for po_id in faults.targets(rule, named):
                if po := orders(client_id).get(po_id):
                    sim.cancel_naver(po)
        return client_id, found

    @api.post(f"{BASE}/oauth2/token", name="token")
    async def token(request: Request) -> Any:
        form = dict(parse_qsl((await request.body()).decode())) | dict(request.query_params)
        found = await faults.take(sim, request, "NAVER", form.get("client_id", ""), "token")
        return found.response or naver_auth.issue(sim, form)

    @api.get(f"{ORDERS}/last-changed-statuses", name="changes")
    async def changes(
        request: Request,
        changed_from: Annotated[str, Query(alias="lastChangedFrom")],
        changed_to: Annotated[str | None, Query(alias="lastChangedTo")] = None,
        changed_type: Annotated[str | None, Query(alias="lastChangedType")] = None,
        more_sequence: Annotated[str | None, Query(alias="moreSequence")] = None,
        limit: Annotated[int, Query(alias="limitCount")] = MAX_CHANGES,
    ) -> Any:
        start = _moment("lastChangedFrom", changed_from)
        end = _moment("lastChangedTo", changed_to) if changed_to else start + timedelta(hours=24)
        if not timedelta(0) <= end - start <= timedelta(hours=24):
            raise NaverError(
                400, "BadRequest", "lastChangedFrom..lastChangedTo may span at most 24 hours"
            )
        if not 1 <= limit <= MAX_CHANGES:
            raise NaverError(400, "BadRequest", f"limitCount must be 1..{MAX_CHANGES}")
        client_id = naver_auth.client_of(sim, request)
        after = int(more_sequence) if more_sequence and more_sequence.isdigit() else 0
        rows = [
            c
            for c in sim.changes.get(client_id, [])
            if start <= c.at < end
            and c.sequence >= after
            and (changed_type is None or c.type == changed_type)
        ]
        _, found = await begin(request, "changes", [c.product_order_id for c in rows[:1]])
        if found.response:
            return found.response
        page, rest = rows[:limit], rows[limit:]
        statuses = [
            naver_state.status_row(orders(client_id)[c.product_order_id], c.order_id, c.type, c.at)
            for c in page
        ]
        if found.malformed and statuses:
            statuses[0]["productOrderId"] = None
        data: dict[str, Any] = {"lastChangeStatuses": statuses, "count": len(statuses)}
        if rest:
            data["more"] = {"moreFrom": stamp(rest[0].at), "moreSequence": str(rest[0].sequence)}
        return wrap(data)

    @api.post(f"{ORDERS}/query", name="query")
    async def query(request: Request, body: Annotated[dict[str, Any], Body()]) -> Any:
        ids = _ids(body, "productOrderIds", MAX_QUERY)
        client_id, found = await begin(request, "query", ids)
        if found.response:
            return found.response
        known = [orders(client_id)[i] for i in ids if i in orders(client_id)]
        return wrap(
            [naver_state.render(po, found.malformed and n == 0) for n, po in enumerate(known)]
        )

    @api.post(f"{ORDERS}/confirm", name="confirm")
    async def confirm(request: Request, body: Annotated[dict[str, Any], Body()]) -> Any:
        ids = _ids(body, "productOrderIds", MAX_CONFIRM)
        client_id, found = await begin(request, "confirm", ids)
        if found.response:
            return found.response
        success, fail = [], []
        for po_id in ids:
            po = orders(client_id).get(po_id)
            if po is None or po.status != "PAYED" or po.claim is not None:
                code = (
                    "NOT_FOUND"
                    if po is None
                    else ("CLAIM_REQUESTED" if po.claim else "INVALID_STATUS")
                )
                fail.append({"productOrderId": po_id, "code": code, "message": code})
                continue
            po.place_order_status = "OK"
            success.append(
                {"productOrderId": po_id, "isReceiverAddressChanged": po.address_changed}
            )
        return wrap({"successProductOrderInfos": success, "failProductOrderInfos": fail})

    @api.post(f"{ORDERS}/dispatch", name="dispatch")
    async def dispatch(request: Request, body: Annotated[dict[str, Any], Body()]) -> Any:
        rows = body.get("dispatchProductOrders") or []
        if not rows or len(rows) > MAX_DISPATCH:
            raise NaverError(
                400, "BadRequest", f"dispatchProductOrders must hold 1..{MAX_DISPATCH} rows"
            )
        client_id, found = await begin(
            request, "dispatch", [str(r.get("productOrderId")) for r in rows]
        )
        if found.response:
            return found.response
        success, fail = [], []
        for row in rows:
            po_id = str(row.get("productOrderId"))
            po = orders(client_id).get(po_id)
            code = naver_dispatch.refusal(po, row)
            sim.record_push(
                "NAVER",
                client_id,
                po_id,
                po_id,
                str(row.get("deliveryCompanyCode") or ""),
                str(row.get("trackingNumber") or ""),
                code or "OK",
                "dispatch",
            )
            if code or po is None:
                message = naver_dispatch.MESSAGES.get(code, code)
                fail.append({"productOrderId": po_id, "code": code, "message": message})
                continue
            naver_dispatch.dispatch(po, row)
            sim.log_change(po, "DISPATCHED")
            success.append(po_id)
        return wrap({"successProductOrderIds": success, "failProductOrderInfos": fail})

    return api
