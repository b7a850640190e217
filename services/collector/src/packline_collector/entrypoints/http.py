"""Collector HTTP API (주문등록): register one order, import a JSON-lines file, cancel, look up."""

import json
import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, HTTPException, Query, Request
from pydantic import BaseModel, Field, ValidationError

from packline_collector.adapters import dead_letters_repository as stranded
from packline_collector.adapters import orders_repository as repo
from packline_collector.domain.cancellation import CancelRefused
from packline_collector.domain.orders import NewOrder
from packline_collector.domain.partial_cancel import LineCancel, OverCancel
from packline_collector.domain.stranded import OrderDeadLetter
from packline_collector.domain.text_rules import error_loc
from packline_collector.service_layer import use_cases
from packline_contracts import Marketplace, OrderRef
from packline_runtime import auth
from packline_runtime.service import ServiceRuntime

MAX_IMPORT_BYTES = 64 * 1024 * 1024


class CancelRequest(BaseModel):
    reason: str = Field(default="", max_length=300)


class CancelAnswer(BaseModel):
    """Not "cancelled": the shipping line decides (its parcel may be on the scanner right now).
    GET the order to see CANCELLED, or SHIPPED with a return case on /orders-attention."""

    order: str
    status: Literal["CANCEL_REQUESTED", "CANCELLED"]
    requested_now: bool = Field(description="False when it had been requested before")
    detail: str


class CancelLinesRequest(BaseModel):
    lines: list[LineCancel] = Field(min_length=1, max_length=500)
    reason: str = Field(default="", max_length=300)


class CancelLinesAnswer(BaseModel):
    """The units are cancelled here at once; the later stages release exactly them. When no
    unit is left the order is cancelled whole, decided at the shipping line."""

    order: str
    status: Literal["COLLECTED", "CANCEL_REQUESTED"]
    left: dict[str, int] = Field(description="Units still to ship, per line")


class OrderView(BaseModel):
    marketplace: Marketplace
    marketplace_order_id: str
    seller_id: str
    source: str
    batch_id: uuid.UUID | None
    status: str
    paid_at: datetime
    collected_at: datetime
    updated_at: datetime
    dead_letters: list[OrderDeadLetter] = Field(
        description="Open dead letters of any stage about this order: it is stranded there"
    )


# Two sellers may both have an order `A-1` on one marketplace: naming an order names its seller,
# which is the signed-in one (another seller's order is answered 404, as a missing one).
SellerId = Annotated[
    str | None,
    Query(min_length=1, max_length=64, description="The order's seller; default: the caller's"),
]


def _line_errors(exc: ValidationError) -> list[str]:
    # field paths and messages only: the rejected values may be personal data
    return [f"{'.'.join(str(p) for p in error_loc(e))}: {e['msg']}" for e in exc.errors()[:10]]


class OtherSeller(Exception):
    """A line names a seller other than the one the file is imported for."""


def parse_jsonl(text: str, seller_id: str = "") -> tuple[list[NewOrder], list[dict[str, Any]]]:
    """Every line validated; errors name the line and field, so the whole file can be fixed.
    A line without `seller_id` is `seller_id`'s; a line naming another seller raises
    OtherSeller (given a `seller_id`)."""
    orders: list[NewOrder] = []
    errors: list[dict[str, Any]] = []
    first_line: dict[tuple[str, str, str], int] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            order = NewOrder.model_validate(json.loads(line))
            if seller_id and order.seller_id not in ("", seller_id):
                raise OtherSeller(f"line {number}")
            if not order.seller_id:
                order = order.model_copy(update={"seller_id": seller_id})
            key = (order.seller_id, order.marketplace.value, order.marketplace_order_id)
            if key in first_line:
                errors.append(
                    {
                        "line": number,
                        "errors": [
                            f"marketplace_order_id: repeats the order of line {first_line[key]}; "
                            "give each order once, with all its lines"
                        ],
                    }
                )
                continue
            first_line[key] = number
            orders.append(order)
        except json.JSONDecodeError as exc:
            errors.append(
                {"line": number, "errors": [f"not JSON: {exc.msg} at column {exc.colno}"]}
            )
        except ValidationError as exc:
            errors.append({"line": number, "errors": _line_errors(exc)})
    return orders, errors


def _ref(seller_id: str, marketplace: Marketplace, marketplace_order_id: str) -> OrderRef:
    try:
        return OrderRef(
            seller_id=seller_id, marketplace=marketplace, marketplace_order_id=marketplace_order_id
        )
    except ValidationError as exc:
        raise HTTPException(422, f"not an order id: {_line_errors(exc)[0]}") from exc


def router(runtime: ServiceRuntime) -> APIRouter:
    api = APIRouter(prefix="/orders", tags=["orders"])

    @api.post("", status_code=201)
    async def register_order(
        caller: auth.CallerDep, order: Annotated[NewOrder, Body()]
    ) -> dict[str, Any]:
        """`seller_id` may be omitted: the order is the signed-in seller's."""
        seller = auth.own_seller(caller, order.seller_id or None)
        order = order.model_copy(update={"seller_id": seller})
        async with runtime.unit_of_work() as uow:
            result = await use_cases.register_orders(uow, [order], source="MANUAL")
        return {"created": result.created, "duplicates": result.duplicates}

    @api.post("/import", status_code=201)
    async def import_jsonl(caller: auth.CallerDep, request: Request) -> dict[str, Any]:
        """Body: one JSON order per line, each the signed-in seller's (`seller_id` may be
        omitted). All or nothing: any bad line rejects the file."""
        body = await request.body()
        if len(body) > MAX_IMPORT_BYTES:
            raise HTTPException(413, f"file is larger than {MAX_IMPORT_BYTES // 2**20} MiB")
        try:
            text = body.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise HTTPException(422, f"file is not UTF-8 (byte {exc.start})") from exc
        try:
            orders, errors = parse_jsonl(text, caller.seller_id)
        except OtherSeller:
            raise HTTPException(404, "no such seller") from None
        if errors:
            raise HTTPException(
                422,
                {"message": f"{len(errors)} line(s) invalid; nothing imported", "lines": errors},
            )
        if not orders:
            raise HTTPException(422, "the file holds no orders")
        batch_id = uuid.uuid4()
        async with runtime.unit_of_work() as uow:
            result = await use_cases.register_orders(
                uow, orders, source="FILE", batch_id=batch_id, registered_by=caller.sub
            )
        return {
            "batch_id": str(batch_id),
            "created": len(result.created),
            "duplicates": len(result.duplicates),
        }

    @api.post(
        "/{marketplace}/{marketplace_order_id}/cancel",
        status_code=202,
        responses={404: {"description": "no such order"}, 409: {"description": "shipped"}},
    )
    async def cancel(
        caller: auth.CallerDep,
        marketplace: Marketplace,
        marketplace_order_id: str,
        seller_id: SellerId = None,
        body: CancelRequest | None = None,
    ) -> CancelAnswer:
        """취소 요청: accepted for processing (202). The shipping line decides it against a scan
        in progress: CANCELLED, or too late (SHIPPED, and a return case for a person)."""
        ref = _ref(auth.own_seller(caller, seller_id), marketplace, marketplace_order_id)
        try:
            async with runtime.unit_of_work() as uow:
                request = await use_cases.cancel_order(
                    uow, ref, body.reason if body else "", source="CONSOLE"
                )
        except use_cases.OrderNotFound as exc:
            raise HTTPException(404, str(exc)) from exc
        except CancelRefused as exc:
            raise HTTPException(409, str(exc)) from exc
        decided = request.status == "CANCELLED"
        return CancelAnswer(
            order=request.uid,
            status="CANCELLED" if decided else "CANCEL_REQUESTED",
            requested_now=request.event is not None,
            detail="already cancelled"
            if decided
            else "cancellation requested; the shipping line decides whether it is in time",
        )

    @api.post(
        "/{marketplace}/{marketplace_order_id}/cancel-lines",
        status_code=202,
        responses={
            404: {"description": "no such order"},
            409: {"description": "more than is left on a line, or shipped / cancelled whole"},
            422: {"description": "a line the order does not have"},
        },
    )
    async def cancel_lines(
        caller: auth.CallerDep,
        marketplace: Marketplace,
        marketplace_order_id: str,
        body: CancelLinesRequest,
        seller_id: SellerId = None,
    ) -> CancelLinesAnswer:
        """부분취소: cancel units of some lines; the rest of the order goes on. A refused claim
        is recorded with the order and nothing of it is applied."""
        ref = _ref(auth.own_seller(caller, seller_id), marketplace, marketplace_order_id)
        try:
            async with runtime.unit_of_work() as uow:
                done = await use_cases.cancel_lines(
                    uow, ref, body.lines, body.reason, source="CONSOLE"
                )
        except use_cases.OrderNotFound as exc:
            raise HTTPException(404, str(exc)) from exc
        except CancelRefused as exc:
            raise HTTPException(409, str(exc)) from exc
        if done.refusal is not None:
            raise HTTPException(
                409 if isinstance(done.refusal, OverCancel) else 422, str(done.refusal)
            )
        return CancelLinesAnswer(
            order=done.uid,
            status="CANCEL_REQUESTED" if done.status == "CANCEL_REQUESTED" else "COLLECTED",
            left=done.left,
        )

    @api.get("/{marketplace}/{marketplace_order_id}", responses={404: {"description": "No order"}})
    async def get_order(
        caller: auth.CallerDep,
        marketplace: Marketplace,
        marketplace_order_id: str,
        seller_id: SellerId = None,
    ) -> OrderView:
        ref = _ref(auth.own_seller(caller, seller_id), marketplace, marketplace_order_id)
        async with runtime.pool.acquire() as conn:
            row = await repo.get(conn, ref)
            letters = await stranded.open_for(conn, ref.uid) if row else []
        if row is None:
            raise HTTPException(404, f"no order {ref.uid}")
        return OrderView(**row, dead_letters=letters)

    return api
