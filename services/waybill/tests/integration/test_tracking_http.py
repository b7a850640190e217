"""Delivery tracking (배송추적) over real HTTP: the waybill service on a loopback port (so the
courier simulator can call its webhook) on real PostgreSQL, the courier simulator on another.
The service's clock is a function the tests move; the simulator keeps real time (its
signatures are checked against it)."""

import asyncio
import contextlib
import hashlib
import hmac
import json
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi import FastAPI

from packline_contracts import Shipped, ShippedOrder, SkuLine, WaybillIssued, utcnow
from packline_couriersim.script import Rule
from packline_couriersim.server import RunningSimulator, running
from packline_couriersim.state import Simulator
from packline_launcher.testing_http import guarded_app
from packline_launcher.testing_tokens import TestTokens
from packline_runtime.secret_box import SecretBox, decode_key, new_key
from packline_runtime.unit_of_work import unit_of_work
from packline_waybill.adapters.courier_http import CourierCredentials, RetryPolicy
from packline_waybill.adapters.courier_tracking import CourierTracker
from packline_waybill.bootstrap import MIGRATIONS
from packline_waybill.domain.endpoints import CourierEndpoints
from packline_waybill.entrypoints import http, http_accounts, http_tracking, subscriber
from packline_waybill.service_layer import courier_webhooks, tracking
from packline_waybill.service_layer.claims import Numbering
from packline_waybill.service_layer.parcels import Sender

from .conftest import BAND, SELLER, SENDER, Runtime, Waybills, allocated

POLL_EVERY = timedelta(minutes=15)


@dataclass
class Clock:
    at: datetime = field(default_factory=utcnow)

    def __call__(self) -> datetime:
        return self.at

    def move(self, by: timedelta) -> None:
        self.at += by


@dataclass
class Tracking:
    waybills: Waybills
    courier: RunningSimulator
    clock: Clock
    policy: tracking.TrackingPolicy
    box: SecretBox
    url: str

    def tracker(self, credentials: CourierCredentials) -> CourierTracker:
        checked = replace(credentials, base_url=self.waybills.endpoints.check(credentials.base_url))
        retry = RetryPolicy(attempts=3, backoff_seconds=0.05, max_backoff_seconds=0.2)
        return CourierTracker(checked, timeout_seconds=2.0, retry=retry)

    async def poll(self) -> int:
        return await tracking.poll_due(
            Runtime(self.waybills.pool), self.box, self.tracker, self.policy
        )

    async def ship(self, issued: WaybillIssued) -> None:
        event = Shipped(
            **issued.follow_up(),
            bundle_id=issued.bundle_id,
            parcel_id=issued.parcel_id,
            courier_code=issued.courier_code,
            tracking_number=issued.tracking_number,
            shipped_at=self.clock(),
            orders=tuple(
                ShippedOrder(order=m.order, line_ids=tuple(li.line_id for li in m.lines))
                for m in issued.members
            ),
            stock_out=(SkuLine(sku="A", quantity=1),),
        )
        handle = subscriber.subscription(self.waybills.numbering, self.policy).handle
        async with unit_of_work(self.waybills.pool) as uow:
            await handle(uow, [event])

    async def view(self, issued: WaybillIssued, seller_id: str = SELLER) -> httpx.Response:
        return await self.waybills.http.get(
            f"/parcels/{issued.parcel_id}/tracking", params={"seller_id": seller_id}
        )

    async def state(self, issued: WaybillIssued) -> dict[str, Any]:
        answer = await self.view(issued)
        assert answer.status_code == 200, answer.text
        found: dict[str, Any] = answer.json()
        return found

    def track_calls(self) -> list[Any]:
        return [c for c in self.courier.sim.calls if c.operation == "track"]


@contextlib.asynccontextmanager
async def serving(app: FastAPI) -> AsyncIterator[str]:
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="off")
    )
    task = asyncio.create_task(server.serve())
    deadline = time.monotonic() + 15
    while not server.started:
        assert not task.done() and time.monotonic() < deadline, "the waybill app did not start"
        await asyncio.sleep(0.02)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task


@pytest.fixture
async def tracked(new_schema: Any, service_tokens: TestTokens) -> AsyncIterator[Tracking]:
    pool = await new_schema(MIGRATIONS, prefix="wbt")
    box = SecretBox(decode_key(new_key()))
    numbering = Numbering(BAND, box)
    endpoints = CourierEndpoints()
    clock = Clock()
    policy = tracking.TrackingPolicy(poll_every=POLL_EVERY, calls_per_second=50, clock=clock)
    sender = Sender(SENDER["name"], SENDER["phone"], SENDER["address"])
    holder: list[Waybills] = []

    def api(credentials: CourierCredentials) -> Any:
        return holder[0].api(credentials)

    app = guarded_app(
        http.router(Runtime(pool), numbering, sender, box, api, policy),
        http_accounts.router(Runtime(pool), box, endpoints),
        http_tracking.router(Runtime(pool), box, policy),
    )
    app.include_router(http_tracking.webhook_router(Runtime(pool), box, policy))  # no token
    headers = service_tokens.headers(SELLER, sub="kim")
    async with (
        running(Simulator(seed=9)) as courier,
        serving(app) as url,
        httpx.AsyncClient(base_url=url, headers=headers) as client,
    ):
        holder.append(Waybills(pool, client, numbering, endpoints, service_tokens))
        yield Tracking(holder[0], courier, clock, policy, box, url)


async def _api_account(t: Tracking, method: str = "API", code: str = "HANJIN") -> tuple[int, str]:
    sim_account = t.courier.sim.add_account(code)
    t.waybills.endpoints.allow(t.courier.url)
    account = await t.waybills.account(
        courier_code=code,
        method=method,
        api={"base_url": t.courier.url, "key_id": sim_account.key_id, "secret": sim_account.secret},
    )
    await t.waybills.make_default(account)
    return account, sim_account.key_id


async def _booked(t: Tracking) -> WaybillIssued:
    await _api_account(t)
    await t.waybills.allocate(allocated(1))
    assert await t.waybills.book() == 1
    [issued] = await t.waybills.emitted()
    return issued


async def _advance(t: Tracking, number: str, status: str | None = None) -> None:
    async with httpx.AsyncClient(base_url=t.courier.url) as sim:
        body = {"status": status} if status else None
        answer = await sim.post(f"/_sim/parcels/{number}/advance", json=body)
        assert answer.status_code == 200, answer.text


async def test_polling_follows_a_parcel_to_delivery_and_then_stops(tracked: Tracking) -> None:
    issued = await _booked(tracked)
    await tracked.ship(issued)

    assert await tracked.poll() == 1
    assert (await tracked.state(issued))["state"] == "INFORMATION_RECEIVED"
    assert await tracked.poll() == 0  # not due again before the poll interval
    await _advance(tracked, issued.tracking_number)  # 집하
    await _advance(tracked, issued.tracking_number)  # 배송중
    tracked.clock.move(POLL_EVERY)
    assert await tracked.poll() == 1
    moving = await tracked.state(issued)
    assert (moving["state"], moving["delivered_at"]) == ("IN_TRANSIT", None)
    assert moving["picked_up_at"] is not None and moving["next_poll_at"] is not None
    await _advance(tracked, issued.tracking_number, "DELIVERED")
    tracked.clock.move(POLL_EVERY)
    assert await tracked.poll() == 1

    done = await tracked.state(issued)
    assert (done["state"], done["next_poll_at"]) == ("DELIVERED", None)
    assert [e["status"] for e in done["events"]] == [
        "INFORMATION_RECEIVED",
        "AT_PICKUP",
        "IN_TRANSIT",
        "DELIVERED",
    ]
    calls = len(tracked.track_calls())
    tracked.clock.move(timedelta(days=2))
    assert await tracked.poll() == 0
    assert len(tracked.track_calls()) == calls  # a delivered parcel is not polled again
    listed = await tracked.waybills.http.get(
        "/tracking", params={"seller_id": SELLER, "state": "DELIVERED"}
    )
    assert [p["parcel_id"] for p in listed.json()["items"]] == [str(issued.parcel_id)]
    stats = (await tracked.waybills.http.get("/stats")).json()["tracking"]
    assert stats == {"picked_up": 1, "in_transit": 0, "delivered": 1, "overdue": 0}
    bad = await tracked.waybills.http.get("/tracking", params={"seller_id": SELLER, "state": "X"})
    assert bad.status_code == 422


async def test_a_courier_webhook_has_its_number_polled_at_once(tracked: Tracking) -> None:
    issued = await _booked(tracked)
    [account_id] = [
        a["account_id"]
        for a in (
            await tracked.waybills.http.get("/courier-accounts", params={"seller_id": SELLER})
        ).json()["items"]
    ]
    key_id = next(iter(tracked.courier.sim.accounts))
    await tracked.ship(issued)
    assert await tracked.poll() == 1  # the next poll is a whole interval away now
    async with httpx.AsyncClient(base_url=tracked.courier.url) as sim:
        hook = f"{tracked.url}/courier-webhooks/{account_id}"
        answer = await sim.post(f"/_sim/accounts/{key_id}/webhook", json={"url": hook})
        assert answer.status_code == 200, answer.text

    await _advance(tracked, issued.tracking_number)  # 집하: the courier calls the webhook

    deadline = time.monotonic() + 10
    while (await tracked.state(issued))["state"] != "AT_PICKUP":
        assert time.monotonic() < deadline, "the webhook did not lead to a poll"
        await tracked.poll()


async def test_a_webhook_must_be_signed_by_the_account(tracked: Tracking) -> None:
    account_id, key_id = await _api_account(tracked)
    secret = tracked.courier.sim.accounts[key_id].secret
    body = json.dumps({"tracking_number": "500000000017"}).encode()
    path = f"/courier-webhooks/{account_id}"

    def signed(with_secret: str, at: int) -> dict[str, str]:
        digest = hmac.new(with_secret.encode(), f"{at}.".encode() + body, hashlib.sha256)
        return {"X-Courier-Signature": f"t={at}, v1={digest.hexdigest()}"}

    now = int(time.time())
    post = tracked.waybills.http.post
    assert (await post(path, content=body, headers=signed(secret, now))).json() == {"marked": 0}
    assert (await post(path, content=body, headers=signed("wrong", now))).status_code == 401
    assert (await post(path, content=body, headers=signed(secret, now - 600))).status_code == 401
    assert (await post(path, content=body)).status_code == 401
    garbage = b'{"tracking_number": "abc"}'
    digest = hmac.new(secret.encode(), f"{now}.".encode() + garbage, hashlib.sha256).hexdigest()
    refused = await post(
        path, content=garbage, headers={"X-Courier-Signature": f"t={now}, v1={digest}"}
    )
    assert refused.status_code == 422
    assert (await post("/courier-webhooks/999999", content=body)).status_code == 404


async def test_a_429_is_waited_out_and_a_lasting_one_backs_the_parcels_off(
    tracked: Tracking,
) -> None:
    issued = await _booked(tracked)
    await tracked.ship(issued)
    tracked.courier.sim.script.add([Rule(action="rate_limit", operation="track", retry_after=1)])

    assert await tracked.poll() == 1

    limited, answered = tracked.track_calls()
    assert (limited.status, answered.status) == (429, 200)
    assert answered.at - limited.at >= timedelta(seconds=1)  # Retry-After honoured
    assert (await tracked.state(issued))["state"] == "INFORMATION_RECEIVED"

    tracked.courier.sim.script.add(
        [Rule(action="rate_limit", operation="track", retry_after=0, times=10)]
    )
    tracked.clock.move(POLL_EVERY)
    assert await tracked.poll() == 1
    backed_off = await tracked.state(issued)
    assert backed_off["last_error"]["code"] == "RATE_LIMITED"
    assert datetime.fromisoformat(backed_off["next_poll_at"]) > tracked.clock()
    calls = len(tracked.track_calls())
    assert await tracked.poll() == 0  # not pressed again at once
    assert len(tracked.track_calls()) == calls


async def test_a_band_parcel_not_picked_up_within_a_day_is_overdue(tracked: Tracking) -> None:
    account, key_id = await _api_account(tracked, method="BAND", code="HYUNDAI")
    added = await tracked.waybills.http.post(
        f"/courier-accounts/{account}/bands",
        params={"seller_id": SELLER},
        json={"start": 41_000_000_000, "end": 41_000_000_009, "by": "kim"},
    )
    assert added.status_code == 201, added.text
    [issued] = await tracked.waybills.allocate(allocated(1))
    await tracked.ship(issued)
    assert await tracked.poll() == 1
    assert (await tracked.state(issued))["state"] == "UNKNOWN"  # not handed over yet
    overdue = "/tracking/overdue"
    assert (await tracked.waybills.http.get(overdue)).json()["items"] == []

    tracked.clock.move(timedelta(hours=25))

    late = (await tracked.waybills.http.get(overdue, params={"seller_id": SELLER})).json()
    assert [p["tracking_number"] for p in late["items"]] == [issued.tracking_number]
    assert late["items"][0]["overdue"] is True
    someone_else = tracked.waybills.person("someone-else")
    other = await tracked.waybills.http.get(overdue, headers=someone_else)
    assert other.json()["items"] == []
    naming = await tracked.waybills.http.get(overdue, params={"seller_id": "someone-else"})
    assert naming.status_code == 404
    assert (await tracked.view(issued, "someone-else")).status_code == 404
    assert (await tracked.waybills.http.get("/stats")).json()["tracking"]["overdue"] == 1
    theirs = await tracked.waybills.http.get("/stats", headers=someone_else)
    assert theirs.json()["tracking"]["overdue"] == 0
    async with httpx.AsyncClient(base_url=tracked.courier.url) as sim:
        handed = await sim.post(
            f"/_sim/accounts/{key_id}/handovers",
            json={"numbers": [issued.tracking_number], "status": "AT_PICKUP"},
        )
        assert handed.status_code == 200, handed.text
    assert await tracked.poll() == 1
    picked = await tracked.state(issued)
    assert (picked["state"], picked["overdue"]) == ("AT_PICKUP", False)
    assert (await tracked.waybills.http.get(overdue)).json()["items"] == []


async def test_a_parcel_without_api_access_is_never_polled_nor_overdue(tracked: Tracking) -> None:
    [issued] = await tracked.waybills.allocate(allocated(1))  # the service band, no account
    await tracked.ship(issued)
    tracked.clock.move(timedelta(days=2))

    assert await tracked.poll() == 0
    shown = await tracked.state(issued)
    assert (shown["followed"], shown["state"], shown["overdue"]) == (False, "SHIPPED", False)
    assert (await tracked.waybills.http.get("/tracking/overdue")).json()["items"] == []


async def test_an_account_whose_secret_does_not_open_fails_only_its_own_parcels(
    tracked: Tracking,
) -> None:
    issued = await _booked(tracked)
    await tracked.ship(issued)
    tracked.box = SecretBox(decode_key(new_key()))  # the key was replaced, not kept as retired

    assert await tracked.poll() == 1

    failed = await tracked.state(issued)
    assert failed["last_error"]["code"] == "SECRET_UNREADABLE"
    assert failed["next_poll_at"] is not None and tracked.track_calls() == []
    async with tracked.waybills.pool.acquire() as conn:
        with pytest.raises(courier_webhooks.WebhookRefused) as refused:
            await courier_webhooks.number_changed(
                conn, tracked.box, 1, b"{}", None, tracked.clock()
            )
    assert refused.value.status == 503 and "PACKLINE_SECRETS_KEY" in str(refused.value)
