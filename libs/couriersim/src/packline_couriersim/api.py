"""The courier side: address sorting codes, booking with number issue (print-wbls), tracking."""

import re
import zlib
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends

from packline_couriersim.auth import CourierError
from packline_couriersim.guard import Context, guard, quota_exceeded
from packline_couriersim.models import AddressRequest, BookRequest, ParcelIn, TrackRequest
from packline_couriersim.sorting import AddressProblem, Sorting, normalised, sort
from packline_couriersim.state import STATUS_TEXT, Parcel, Simulator

_NOT_DIGIT = re.compile(r"[^0-9]")
_LOCATIONS = ("옥천HUB", "대전HUB", "서울강남", "부산해운대", "곤지암HUB")
PREFIX = "/api/v1"


def _sorting(s: Sorting) -> dict[str, Any]:
    return {"sort_code": s.sort_code, "terminal": s.terminal, "branch": s.branch, "zone": s.zone}


def _error(code: str, message: str) -> dict[str, str]:
    return {"code": code, "message": message}


def _event(parcel: Parcel, index: int, status: str, at: datetime) -> dict[str, Any]:
    """One scan of the parcel's history. As real tracking feeds do, some scans come without a
    description or a location (null), deterministically per number and scan."""
    spot = zlib.crc32(f"{parcel.tracking_number}:{index}".encode()) % 6
    return {
        "status": status,
        "status_text": None if spot == 0 else STATUS_TEXT[status],
        "time": at.isoformat(),
        "location": None if spot in (0, 1) else _LOCATIONS[spot % len(_LOCATIONS)],
    }


def router(sim: Simulator) -> APIRouter:
    api = APIRouter(prefix=PREFIX, tags=["courier API"])

    def sorted_or_problem(postcode: str, address: str) -> Sorting | AddressProblem:
        if postcode in sim.rejected_postcodes or normalised(address) in sim.rejected_addresses:
            return AddressProblem("ADDRESS_REJECTED", "배송 불가 주소입니다. 주소를 확인해 주세요.")
        return sort(postcode, address)

    def checked(parcel: ParcelIn) -> Sorting | AddressProblem:
        if not parcel.recipient.name.strip():
            return AddressProblem("MISSING_NAME", "받는 분 이름이 없습니다.")
        if len(_NOT_DIGIT.sub("", parcel.recipient.phone)) < 9:
            return AddressProblem("INVALID_PHONE", "받는 분 전화번호가 올바르지 않습니다.")
        return sorted_or_problem(parcel.recipient.postcode, parcel.recipient.address)

    @api.post("/addresses/sort-codes")
    async def sort_codes(
        body: AddressRequest, ctx: Annotated[Context, Depends(guard(sim, "address"))]
    ) -> dict[str, Any]:
        """롯데's address call: per address, terminal/branch/zone and the sort code to print."""
        results: list[dict[str, Any]] = []
        for index, a in enumerate(body.addresses):
            found = sorted_or_problem(a.postcode, a.address)
            row: dict[str, Any] = {"index": index, "postcode": a.postcode}
            if isinstance(found, Sorting):
                row |= {"ok": True, **_sorting(found), "error": None}
            else:
                row |= {"ok": False, "sort_code": None, "terminal": None, "branch": None}
                row |= {"zone": None, "error": _error(found.code, found.message)}
            results.append({"index": index, "sortCd": "?"} if ctx.malformed else row)
        return {"results": results}

    @api.post("/print-wbls")
    async def print_waybills(
        body: BookRequest, ctx: Annotated[Context, Depends(guard(sim, "book"))]
    ) -> dict[str, Any]:
        """한진's print-wbls: up to 100 parcels → a number and sorting codes each, or an error
        each. Idempotent on `reference`: the same reference gets the same number again."""
        account = ctx.account
        checks = [checked(p) for p in body.parcels]
        new = {
            p.reference
            for p, c in zip(body.parcels, checks, strict=True)
            if isinstance(c, Sorting) and (account.key_id, p.reference) not in sim.parcels
        }
        if len(new) > sim.quota_left(account):
            raise quota_exceeded()
        results: list[dict[str, Any]] = []
        for p, c in zip(body.parcels, checks, strict=True):
            if isinstance(c, AddressProblem):
                results.append(
                    {
                        "reference": p.reference,
                        "tracking_number": None,
                        "sorting": None,
                        "error": _error(c.code, c.message),
                    }
                )
                continue
            parcel = sim.book(account, p.reference, c)
            row = {
                "reference": p.reference,
                "tracking_number": parcel.tracking_number,
                "sorting": _sorting(parcel.sorting) if parcel.sorting else None,
                "error": None,
            }
            if ctx.malformed:
                row = {"reference": p.reference, "sorting": "분류코드 조회 실패"}
            results.append(row)
        return {"results": results}

    def tracked(number: str, account_courier: str) -> Parcel | None:
        parcel = sim.by_number.get(_NOT_DIGIT.sub("", number))
        if parcel is None or sim.accounts[parcel.account].courier != account_courier:
            return None
        return parcel

    def track_row(number: str, parcel: Parcel | None) -> dict[str, Any]:
        if parcel is None:
            return {
                "tracking_number": number,
                "status": None,
                "status_text": None,
                "updated_at": None,
                "events": None,
                "error": _error("NOT_FOUND", "조회되지 않는 운송장번호입니다."),
            }
        return {
            "tracking_number": parcel.tracking_number,
            "status": parcel.status,
            "status_text": STATUS_TEXT[parcel.status],
            "updated_at": parcel.updated_at.isoformat(),
            "events": [_event(parcel, i, s, at) for i, (s, at) in enumerate(parcel.events)],
            "error": None,
        }

    @api.post("/tracking")
    async def track_many(
        body: TrackRequest, ctx: Annotated[Context, Depends(guard(sim, "track"))]
    ) -> dict[str, Any]:
        """Statuses in tracker.delivery's vocabulary, up to 100 numbers a call."""
        courier = ctx.account.courier
        rows = [track_row(n, tracked(n, courier)) for n in body.numbers]
        if ctx.malformed:
            rows = [{"tracking_number": r["tracking_number"], "status": 3} for r in rows]
        return {"results": rows}

    @api.get("/tracking/{number}")
    async def track_one(
        number: str, ctx: Annotated[Context, Depends(guard(sim, "track"))]
    ) -> dict[str, Any]:
        parcel = tracked(number, ctx.account.courier)
        if parcel is None:
            raise CourierError(404, "NOT_FOUND", "조회되지 않는 운송장번호입니다.")
        return track_row(number, parcel)

    return api
