"""The simulator's own admin API (`/_sim/...`): accounts and which courier each simulates,
rejected addresses, parcels' progress, the fault script and the call log. No signature needed:
tests and the demo drive the courier through it."""

from datetime import timedelta
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


class Handover(BaseModel):
    model_config = ConfigDict(extra="forbid")
    numbers: list[Annotated[str, Field(pattern=r"^[0-9]{8,16}$")]] = Field(
        min_length=1, max_length=1000
    )
    status: Literal["INFORMATION_RECEIVED", "AT_PICKUP"] = "INFORMATION_RECEIVED"


class Webhook(BaseModel):
    model_config = ConfigDict(extra="forbid")
    url: str = Field(pattern=r"^https?://", max_length=500)


class Progression(BaseModel):
    model_config = ConfigDict(extra="forbid")
    step_seconds: float | None = Field(
        default=None, gt=0, le=86_400, description="null stops the automatic progression"
    )
    after_pickup: bool = Field(
        default=False,
        description="Move only parcels the courier has picked up: a booked parcel waits at "
        "INFORMATION_RECEIVED for its pickup scan (advance or handover to AT_PICKUP)",
    )


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
            {
                "reference": p.reference,
                "tracking_number": p.tracking_number,
                "status": p.status,
                "events": [s for s, _at in p.events],
            }
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

    @api.post("/accounts/{key_id}/handovers")
    async def hand_over(key_id: str, body: Handover) -> list[dict[str, str]]:
        """Band numbers the shipper printed itself become known to the courier (what the pickup
        scan does in real life), so they can be tracked. 409 when a number is another
        account's; repeats change nothing."""
        found = account(key_id)
        taken = [
            n for n in body.numbers if n in sim.by_number and sim.by_number[n].account != key_id
        ]
        if taken:
            raise HTTPException(409, f"numbers belong to another account: {', '.join(taken[:5])}")
        shown = []
        for number in body.numbers:
            parcel = sim.hand_over(found, number, body.status)
            assert parcel is not None
            shown.append({"tracking_number": number, "status": parcel.status})
        return shown

    @api.post("/accounts/{key_id}/webhook")
    async def register_webhook(key_id: str, body: Webhook) -> dict[str, str]:
        """Status changes of this account's parcels are POSTed to `url` (see webhooks.py)."""
        account(key_id)
        sim.webhooks[key_id] = body.url
        return {"key_id": key_id, "url": body.url}

    @api.delete("/accounts/{key_id}/webhook")
    async def drop_webhook(key_id: str) -> dict[str, str | None]:
        account(key_id)
        return {"key_id": key_id, "removed": sim.webhooks.pop(key_id, None)}

    @api.put("/progression")
    async def progression(body: Progression) -> dict[str, float | bool | None]:
        """Every parcel (or every one picked up) moves one usual status per `step_seconds` of
        simulated time."""
        step = body.step_seconds
        sim.progress_step = timedelta(seconds=step) if step is not None else None
        sim.progress_after_pickup = body.after_pickup
        return {"step_seconds": step, "after_pickup": body.after_pickup}

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
