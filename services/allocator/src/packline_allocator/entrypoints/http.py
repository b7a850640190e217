"""Allocator HTTP API: stock levels (재고), bundles and why they wait, the 할당처리 button,
counts and today's flow."""

import uuid
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query
from pydantic import BaseModel, Field

from packline_allocator.adapters import repository as repo
from packline_allocator.adapters import stats as counts
from packline_allocator.domain.ledger import MAX_ON_HAND, StockBelowReserved
from packline_allocator.domain.order_stock import BundleStatus, OrderStatus
from packline_allocator.domain.waiting import WaitReason
from packline_allocator.service_layer import bundles, use_cases
from packline_runtime import auth, flow, search
from packline_runtime.paging import Limit, Offset, Page, page
from packline_runtime.service import ServiceRuntime
from packline_runtime.tokens import Role


class StockLevel(BaseModel):
    sku: str = Field(min_length=1, max_length=64)
    on_hand: int = Field(
        strict=True, ge=0, le=MAX_ON_HAND, description="Units on hand (≤ 100,000,000)"
    )


SELLER = "Default: the token's seller; naming another seller is answered 404"
SellerId = Annotated[str | None, Query(min_length=1, max_length=64, description=SELLER)]


class SetStock(BaseModel):
    seller_id: str | None = Field(default=None, min_length=1, max_length=64, description=SELLER)
    items: tuple[StockLevel, ...] = Field(min_length=1, max_length=10_000)


class StockRow(BaseModel):
    sku: str
    on_hand: int
    allocated: int
    safety: int = Field(description="안전재고: units held back from allocation")
    available: int = Field(description="max(on hand − allocated − safety, 0): what waves give")
    updated_at: datetime


class WaveRequest(BaseModel):
    seller_id: str | None = Field(default=None, min_length=1, max_length=64, description=SELLER)


class OrderInBundle(BaseModel):
    uid: str
    marketplace: str
    marketplace_order_id: str
    status: OrderStatus = Field(description="LIVE, or CANCELLED / SHIPPED: it needs no stock")


class SkuNeed(BaseModel):
    sku: str
    needed: int = Field(description="Units the bundle's live orders need")
    on_hand: int = Field(description="Units on hand (0 when the SKU has no stock row)")
    available: int = Field(
        description="On hand minus what allocated bundles reserve and the safety stock, now"
    )
    short: int = Field(description="max(needed - available, 0)")
    known: bool = Field(description="The seller has a stock row for this SKU")


class BundleRow(BaseModel):
    bundle_id: uuid.UUID
    status: BundleStatus
    orders: list[OrderInBundle]
    waiting_since: datetime = Field(description="When the bundle arrived here")
    paid_at: datetime = Field(description="Earliest payment: waves allocate in this order")
    allocated_at: datetime | None
    needs: list[SkuNeed]
    reason: WaitReason | None = Field(
        description="Why a WAITING bundle waits: UNKNOWN_SKU (a SKU has no stock row), SHORT (a "
        "SKU is short), NEXT_WAVE (stock covers it now; the next wave or bundles paid earlier "
        "decide); null for other statuses"
    )


def _bundle_row(view: bundles.BundleView) -> BundleRow:
    b = view.bundle
    return BundleRow(
        bundle_id=b.bundle_id,
        status=BundleStatus(b.status),
        orders=[
            OrderInBundle(
                uid=o.uid,
                marketplace=o.marketplace,
                marketplace_order_id=o.marketplace_order_id,
                status=OrderStatus(o.status),
            )
            for o in b.orders
        ],
        waiting_since=b.received_at,
        paid_at=b.paid_at,
        allocated_at=b.allocated_at,
        needs=[
            SkuNeed(
                sku=n.sku,
                needed=n.needed,
                on_hand=n.on_hand or 0,
                available=n.available,
                short=n.short,
                known=n.known,
            )
            for n in view.needs
        ],
        reason=view.reason,
    )


def router(runtime: ServiceRuntime) -> APIRouter:
    api = APIRouter(tags=["allocation"])

    @api.put("/stock")
    async def set_stock(body: SetStock, caller: auth.CallerDep) -> dict[str, Any]:
        """재고 수정: the counted levels (audited as STOCKTAKE, 실사); all or nothing (409 when
        one is below what allocated bundles reserve). POST /stock/movements takes a reason."""
        seller = auth.own_seller(caller, body.seller_id)
        levels = {item.sku: item.on_hand for item in body.items}
        if len(levels) != len(body.items):
            raise HTTPException(422, "a SKU appears twice in items")
        try:
            async with runtime.unit_of_work() as uow:
                allocated = await use_cases.set_stock(uow, seller, levels, caller.sub)
        except StockBelowReserved as exc:
            raise HTTPException(409, str(exc)) from exc
        return {"updated": len(levels), "bundles_allocated": allocated}

    @api.get("/stock")
    async def get_stock(
        caller: auth.CallerDep,
        seller_id: SellerId = None,
        q: search.Search = None,
        limit: Limit = 1000,
        offset: Offset = 0,
    ) -> Page[StockRow]:
        """The seller's stock by SKU; `q` searches the SKU."""
        seller = auth.own_seller(caller, seller_id)
        async with runtime.pool.acquire() as conn:
            rows = await repo.stock_levels(conn, seller, limit + 1, offset, q)
        return page([StockRow.model_validate(r) for r in rows], limit, offset)

    @api.get("/bundles")
    async def list_bundles(
        caller: auth.CallerDep,
        seller_id: SellerId = None,
        status: BundleStatus = BundleStatus.WAITING,
        q: search.Search = None,
        since: search.Since = None,
        limit: Limit = 100,
        offset: Offset = 0,
    ) -> Page[BundleRow]:
        """The seller's bundles here, in allocation order (paid_at), with what each needs per
        SKU against stock now and why a waiting one waits. `q` searches bundle ids, the order
        ids of its orders and the SKUs they need; `since`: bundles that arrived from then on."""
        seller = auth.own_seller(caller, seller_id)
        async with runtime.pool.acquire() as conn:
            views = await bundles.bundle_page(conn, seller, status, q, since, limit + 1, offset)
        return page([_bundle_row(v) for v in views], limit, offset)

    @api.post("/allocation/waves")
    async def run_wave(caller: auth.CallerDep, body: WaveRequest | None = None) -> dict[str, int]:
        """할당처리: allocate the token's seller's waiting bundles now."""
        seller = auth.own_seller(caller, body.seller_id if body else None)
        async with runtime.unit_of_work() as uow:
            return {"bundles_allocated": await use_cases.run_wave_now(uow, seller)}

    @api.get("/stats")
    async def stats(caller: auth.CallerDep) -> dict[str, int]:
        """The token's seller's bundles per status; for the sre role, every seller's."""
        seller = None if caller.role is Role.SRE else caller.seller_id
        async with runtime.pool.acquire() as conn:
            return await counts.stats(conn, seller)

    @api.get("/flow")
    async def allocation_flow(caller: auth.CallerDep, since: flow.FlowSince = None) -> flow.Flow:
        """Bundles and orders allocated since `since` (default: today, KST), and when the
        oldest bundle still waiting arrived; the token's seller's, for the sre role every
        seller's."""
        seller = None if caller.role is Role.SRE else caller.seller_id
        start = flow.start_of(since)
        async with runtime.pool.acquire() as conn:
            done, oldest = await counts.flow(conn, seller, start)
        return flow.Flow(since=start, done=done, oldest=oldest)

    return api
