"""상태 불일치 and 정산 대사 HTTP API: check now, list mismatches, a day's reconciliation per
marketplace account."""

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel

from packline_collector.domain.mismatch import AccountDay, CheckResult, MismatchKind, MismatchView
from packline_collector.service_layer import mismatches
from packline_collector.service_layer.mismatches import Checker
from packline_runtime import auth
from packline_runtime.paging import Limit, Offset, Page, page
from packline_runtime.service import ServiceRuntime

SellerId = Annotated[
    str | None,
    Query(min_length=1, max_length=64, description="Default: the signed-in seller; another is 404"),
]


class Reconciliation(BaseModel):
    seller_id: str
    date: date
    accounts: list[AccountDay]


def router(runtime: ServiceRuntime, checker: Checker) -> APIRouter:
    api = APIRouter(tags=["mismatches"])

    @api.post("/mismatches/check")
    async def check(caller: auth.CallerDep, seller_id: SellerId = None) -> CheckResult:
        """Read the seller's recently shipped or pushed orders again at their marketplaces, now."""
        return await checker.check(auth.own_seller(caller, seller_id))

    @api.get("/mismatches")
    async def listed(
        caller: auth.CallerDep,
        seller_id: SellerId = None,
        open: bool = True,
        kind: MismatchKind | None = None,
        limit: Limit = 100,
        offset: Offset = 0,
    ) -> Page[MismatchView]:
        """Newest first; open=false lists resolved ones too."""
        async with runtime.unit_of_work() as uow:
            rows = await mismatches.listed(
                uow, auth.own_seller(caller, seller_id), open, kind, limit + 1, offset
            )
        return page(rows, limit, offset)

    @api.get("/reconciliation")
    async def reconciliation(
        caller: auth.CallerDep, date: date, seller_id: SellerId = None
    ) -> Reconciliation:
        """One day (Asia/Seoul) per marketplace account: collected, shipped, pushed (sent,
        failed) and mismatched. The courier's side (picked up, delivered) is the waybill
        service's GET /stats."""
        seller = auth.own_seller(caller, seller_id)
        async with runtime.unit_of_work() as uow:
            accounts = await mismatches.reconciliation(uow, seller, date)
        return Reconciliation(seller_id=seller, date=date, accounts=accounts)

    return api
