"""상태 불일치 and 정산 대사 HTTP API: check now, list mismatches, a day's reconciliation per
marketplace account."""

import re
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, BeforeValidator

from packline_collector.domain.mismatch import AccountDay, CheckResult, MismatchKind, MismatchView
from packline_collector.service_layer import mismatches
from packline_collector.service_layer.mismatches import Checker
from packline_runtime import auth, search
from packline_runtime.paging import Limit, Offset, Page, page
from packline_runtime.service import ServiceRuntime

SellerId = Annotated[
    str | None,
    Query(min_length=1, max_length=64, description="Default: the signed-in seller; another is 404"),
]


def _iso_day(value: object) -> object:
    if not (isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value)):
        raise ValueError("a day is written YYYY-MM-DD")
    return value


# A calendar day written as YYYY-MM-DD, as documented; pydantic alone would also take a number
# (seconds since 1970) and answer for 1970-01-01.
Day = Annotated[
    date,
    BeforeValidator(_iso_day),
    Query(description="The day in Asia/Seoul, YYYY-MM-DD", examples=["2026-12-01"]),
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
        q: search.Search = None,
        since: search.Since = None,
        limit: Limit = 100,
        offset: Offset = 0,
    ) -> Page[MismatchView]:
        """Newest first; open=false lists resolved ones too. `q` searches the marketplace
        order id, our tracking number and the marketplace's; `since` keeps those detected
        from then on."""
        async with runtime.unit_of_work() as uow:
            rows = await mismatches.listed(
                uow,
                auth.own_seller(caller, seller_id),
                open,
                kind,
                limit + 1,
                offset,
                q=q,
                since=since,
            )
        return page(rows, limit, offset)

    @api.get("/reconciliation")
    async def reconciliation(
        caller: auth.CallerDep, date: Day, seller_id: SellerId = None
    ) -> Reconciliation:
        """One day (Asia/Seoul) per marketplace account: collected, shipped, pushed (sent,
        failed) and mismatched. The courier's side (picked up, delivered) is the waybill
        service's GET /stats."""
        seller = auth.own_seller(caller, seller_id)
        async with runtime.unit_of_work() as uow:
            accounts = await mismatches.reconciliation(uow, seller, date)
        return Reconciliation(seller_id=seller, date=date, accounts=accounts)

    return api
