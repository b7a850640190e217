"""The simulator's own admin API (`/_sim/...`): accounts and which courier each simulates,
rejected addresses, parcels' progress, the fault script and the call log. No signature needed:
tests and the demo drive the courier through it."""

from typing import Annotated, Any, Literal, get_args

from fastapi import APIRouter, Body, HTTPException
from pydantic import BaseModel, ConfigDict, Field

from packline_couriersim.numbers import RULES
from packline_couriersim.script import Rule
from packline_couriersim.sorting import normalised
from packline_couriersim.state import OTHER_STATUSES, STATUSES, Account, Simulator
from packline_simkit import add_script_routes

CourierCode = Literal["HANJIN", "HYUNDAI", "CJGLS", "KGB", "EPOST"]
Status = Literal[
    "INFORMATION_RECEIVED",
    "AT_PICKUP",
    "IN_TRANSIT",
    "OUT_FOR_DELIVERY",
    "DELIVERED",
    "ATTEMPT_FAIL",
    "AVAILABLE_FOR_PICKUP",
    "EXCEPTION",
]
assert set(RULES) == set(get_args(CourierCode))
assert set(STATUSES + OTHER_STATUSES) == set(get_args(Status))


class NewAccount(BaseModel):
    model_config = ConfigDict(extra="forbid")
    courier: CourierCode = "HANJIN"
    key_id: str = Field(default="", max_length=64)
    secret: str = Field(default="", max_length=128)
    daily_quota: int = Field(default=10_000, ge=0)
    rate_per_second: int = Field(default=10, ge=1)


class AccountChange(BaseModel):
    model_config = ConfigDict(extra="forbid")
    courier: CourierCode | None = None
    daily_quota: int | None = Field(default=None, ge=0)
    rate_per_second: int | None = Field(default=None, ge=1)


class Rejections(BaseModel):
    model_config = ConfigDict(extra="forbid")
    postcodes: list[str] = Field(default_factory=list)
    addresses: list[str] = Field(default_factory=list)


class Advance(BaseModel):
    model_config = ConfigDict(extra="forbid")
    status: Status | None = Field(default=None, description="the next usual status when null")


def _shown(a: Account) -> dict[str, Any]:
    return {
        "key_id": a.key_id,
        "secret": a.secret,
        "courier": a.courier,
        "daily_quota": a.daily_quota,
        "rate_per_second": a.rate_per_second,
    }


def router(sim: Simulator) -> APIRouter:
    api = APIRouter(prefix="/_sim", tags=["simulator admin"])

    def account(key_id: str) -> Account:
        found = sim.accounts.get(key_id)
        if found is None:
            raise HTTPException(404, f"no account {key_id}; POST /_sim/accounts first")
        return found

    @api.post("/accounts", status_code=201)
    async def add_account(body: NewAccount) -> dict[str, Any]:
        if body.key_id in sim.accounts:
            raise HTTPException(409, f"account {body.key_id} exists; PATCH it instead")
        return _shown(
            sim.add_account(
                body.courier, body.key_id, body.secret, body.daily_quota, body.rate_per_second
            )
        )

    @api.patch("/accounts/{key_id}")
    async def change_account(key_id: str, body: AccountChange) -> dict[str, Any]:
        found = account(key_id)
        found.courier = body.courier or found.courier
        if body.daily_quota is not None:
            found.daily_quota = body.daily_quota
        if body.rate_per_second is not None:
            found.rate_per_second = body.rate_per_second
        return _shown(found)

    @api.post("/rejections")
    async def reject(body: Rejections) -> dict[str, int]:
        """These postcodes and addresses (spacing ignored) answer ADDRESS_REJECTED."""
        sim.rejected_postcodes.update(body.postcodes)
        sim.rejected_addresses.update(normalised(a) for a in body.addresses)
        return {"postcodes": len(sim.rejected_postcodes), "addresses": len(sim.rejected_addresses)}

    @api.delete("/rejections")
    async def clear_rejections() -> dict[str, int]:
        sim.rejected_postcodes.clear()
        sim.rejected_addresses.clear()
        return {"postcodes": 0, "addresses": 0}

    @api.get("/parcels/{key_id}")
    async def parcels(key_id: str) -> list[dict[str, Any]]:
        account(key_id)
        return [
            {"reference": p.reference, "tracking_number": p.tracking_number, "status": p.status}
            for p in sim.parcels.values()
            if p.account == key_id
        ]

    @api.post("/parcels/{number}/advance")
    async def advance(
        number: str, body: Annotated[Advance | None, Body()] = None
    ) -> dict[str, str]:
        """The courier scans the parcel: the next usual status, or the one given."""
        parcel = sim.advance(number, body.status if body else None)
        if parcel is None:
            raise HTTPException(404, f"no parcel numbered {number}")
        return {"tracking_number": parcel.tracking_number, "status": parcel.status}

    add_script_routes(api, sim.script, Rule)

    @api.get("/calls")
    async def calls(operation: str | None = None) -> list[dict[str, Any]]:
        return [
            {
                "account": c.account,
                "operation": c.operation,
                "status": c.status,
                "at": c.at.isoformat(),
            }
            for c in sim.calls
            if operation in (None, c.operation)
        ]

    return api
