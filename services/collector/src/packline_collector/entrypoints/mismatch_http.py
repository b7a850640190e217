"""상태 불일치 and 정산 대사 HTTP API: check now, list mismatches, a day's reconciliation per
marketplace account."""

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel

from packline_collector.domain.mismatch import AccountDay, CheckResult, MismatchKind, MismatchView
from packline_collector.service_layer import mismatches
from packline_collector.service_layer.mismatches import Checker
from packline_runtime.paging import Limit, Offset, Page, page
from packline_runtime.service import ServiceRuntime

SellerId = Annotated[str, Query(min_length=1, max_length=64)]


class Reconciliation(BaseModel):
    seller_id: str
    date: date
    accounts: list[AccountDay]


def router(runtime: ServiceRuntime, checker: Checker) -> APIRouter:
    api = APIRouter(tags=["mismatches"])

    @api.post("/mismatches/check")
    async def check(seller_id: SellerId) -> CheckResult:
        """Read the seller's recently shipped or pushed orders again at their marketplaces, now."""
        return await checker.check(seller_id)

    @api.get("/mismatches")
    async def listed(
        seller_id: SellerId,
        open: bool = True,
        kind: MismatchKind | None = None,
        limit: Limit = 100,
        offset: Offset = 0,
    ) -> Page[MismatchView]:
        """Newest first; open=false lists resolved ones too."""
        async with runtime.unit_of_work() as uow:
            rows = await mismatches.listed(uow, seller_id, open, kind, limit + 1, offset)
        return page(rows, limit, offset)

    @api.get("/reconciliation")
    async def reconciliation(seller_id: SellerId, date: date) -> Reconciliation:
        """One day (Asia/Seoul) per marketplace account: collected, shipped, pushed (sent,
        failed) and mismatched. The courier's side (picked up, delivered) is the waybill
        service's GET /stats."""
        async with runtime.unit_of_work() as uow:
            accounts = await mismatches.reconciliation(uow, seller_id, date)
        return Reconciliation(seller_id=seller_id, date=date, accounts=accounts)

    return api
