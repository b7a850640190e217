"""A waybill service on real PostgreSQL behind its HTTP routes (ASGI, no server), fed
StockAllocated events directly; what it emits is read back from its outbox."""

import itertools
import shutil
import subprocess
from collections.abc import AsyncIterator, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, replace
from typing import Any

import asyncpg
import httpx
import pytest

from packline_contracts import Event, SkuLine, StockAllocated, WaybillIssued, parse_event
from packline_launcher.testing import bundle, collected, matched, recipient
from packline_launcher.testing_http import guarded_app
from packline_launcher.testing_tokens import TestTokens
from packline_runtime.secret_box import SecretBox, decode_key, new_key
from packline_runtime.tokens import Role
from packline_runtime.unit_of_work import UnitOfWork, unit_of_work
from packline_waybill.adapters.courier_api import CourierApi, CourierCredentials, RetryPolicy
from packline_waybill.bootstrap import MIGRATIONS
from packline_waybill.domain.endpoints import CourierEndpoints
from packline_waybill.domain.numbers import NumberBand
from packline_waybill.entrypoints import http, http_accounts, http_files, http_tracking
from packline_waybill.service_layer import booking, use_cases
from packline_waybill.service_layer.claims import Numbering
from packline_waybill.service_layer.parcels import Sender
from packline_waybill.service_layer.tracking import TrackingPolicy

SELLER = "s1"
BAND = NumberBand("HYUNDAI", 30_000_000_000, 30_000_009_999)
SENDER = {
    "name": "팩라인상사",
    "phone": "02-123-4567",
    "address": "서울 중구 세종대로 1",
    "postcode": "04524",
}
FAST = RetryPolicy(attempts=3, backoff_seconds=0.05, max_backoff_seconds=0.2)
_numbers = itertools.count(1)


@dataclass
class Runtime:
    pool: asyncpg.Pool

    def unit_of_work(self) -> AbstractAsyncContextManager[UnitOfWork]:
        return unit_of_work(self.pool)


@dataclass
class Waybills:
    pool: asyncpg.Pool
    http: httpx.AsyncClient
    numbering: Numbering
    endpoints: CourierEndpoints
    tokens: TestTokens
    timeout: float = 2.0

    def person(self, seller: str = SELLER, role: Role = Role.OWNER, sub: str = "kim") -> Any:
        """Headers of a person of `seller` (the client's own: the owner kim of SELLER)."""
        return self.tokens.headers(seller, role, sub)

    def api(self, credentials: CourierCredentials) -> CourierApi:
        checked = replace(credentials, base_url=self.endpoints.check(credentials.base_url))
        return CourierApi(checked, timeout_seconds=self.timeout, retry=FAST)

    async def allocate(self, *events: StockAllocated) -> list[WaybillIssued]:
        async with unit_of_work(self.pool) as uow:
            await use_cases.prepare_band(uow, BAND)
            await use_cases.handle_events(uow, events, self.numbering)
            return [e for e in uow.emitted if isinstance(e, WaybillIssued)]

    async def feed(self, *events: Event) -> list[WaybillIssued]:
        async with unit_of_work(self.pool) as uow:
            await use_cases.handle_events(uow, events, self.numbering)
            return [e for e in uow.emitted if isinstance(e, WaybillIssued)]

    async def book(self) -> int:
        return await booking.book_due(Runtime(self.pool), self.numbering.box, self.api)

    async def emitted(self) -> list[WaybillIssued]:
        rows = await self.pool.fetch(
            "SELECT payload FROM outbox WHERE event_type = 'WaybillIssued' ORDER BY id"
        )
        out = [parse_event(bytes(r["payload"]).decode()) for r in rows]
        return [e for e in out if isinstance(e, WaybillIssued)]

    async def account(self, **fields: Any) -> int:
        body = {
            "seller_id": SELLER,
            "courier_code": "CJGLS",
            "name": f"account {next(_numbers)}",
            "method": "FILE",
            "sender": SENDER,
            "by": "kim",
            **fields,
        }
        answer = await self.http.post("/courier-accounts", json=body)
        assert answer.status_code == 201, answer.text
        account_id: int = answer.json()["account_id"]
        return account_id

    async def make_default(self, account_id: int, pre_shipment_push: bool = False) -> None:
        answer = await self.http.put(
            "/waybill-settings",
            json={
                "seller_id": SELLER,
                "default_account_id": account_id,
                "pre_shipment_push": pre_shipment_push,
                "by": "kim",
            },
        )
        assert answer.status_code == 200, answer.text

    async def parcels(self, status: str) -> list[dict[str, Any]]:
        answer = await self.http.get(
            "/waybills", params={"status": status, "seller_id": SELLER, "limit": 500}
        )
        assert answer.status_code == 200, answer.text
        items: list[dict[str, Any]] = answer.json()["items"]
        return items


def allocated(n: int, *, separate: bool = False, orders: int = 1, **to: Any) -> StockAllocated:
    """A bundle of `orders` orders (numbered from n) to one recipient, allocated."""
    to.setdefault("postcode", "06236")
    who = recipient(f"김민{n:03d}", f"010-{1000 + n:04d}-{5000 + n:04d}", **to)
    group = [matched(collected(n * 10 + i, seller=SELLER, to=who), {"A": 1}) for i in range(orders)]
    box = bundle(*group)
    return StockAllocated(
        **box.follow_up(),
        bundle_id=box.bundle_id,
        recipient=box.recipient,
        members=box.members,
        allocated=(SkuLine(sku="A", quantity=orders),),
        separate_invoices=separate,
    )


async def _waybills(new_schema: Any, tokens: TestTokens) -> AsyncIterator[Waybills]:
    pool = await new_schema(MIGRATIONS, prefix="wbh")
    box = SecretBox(decode_key(new_key()))
    numbering = Numbering(BAND, box)
    endpoints = CourierEndpoints()
    holder: list[Waybills] = []

    def api(credentials: CourierCredentials) -> CourierApi:
        return holder[0].api(credentials)

    sender = Sender(SENDER["name"], SENDER["phone"], SENDER["address"])
    app = guarded_app(
        http.router(Runtime(pool), numbering, sender, box, api),
        http_files.router(Runtime(pool), box),
        http_accounts.router(Runtime(pool), box, endpoints),
        http_tracking.router(Runtime(pool), box, TrackingPolicy()),
    )
    transport = httpx.ASGITransport(app=app)
    headers = tokens.headers(SELLER, Role.OWNER, "kim")
    async with httpx.AsyncClient(
        transport=transport, base_url="http://waybill", headers=headers
    ) as client:
        holder.append(Waybills(pool, client, numbering, endpoints, tokens))
        yield holder[0]


@pytest.fixture
async def waybills(new_schema: Any, service_tokens: TestTokens) -> AsyncIterator[Waybills]:
    async for each in _waybills(new_schema, service_tokens):
        yield each


def pdftotext(pdf: bytes) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip(
            "LABEL PDF TESTS SKIPPED: pdftotext is missing; install Debian's poppler-utils "
            "(apt-get install -y poppler-utils)"
        )
    done = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    )
    return done.stdout.decode()


def numbers_of(events: Sequence[WaybillIssued]) -> list[str]:
    return [e.tracking_number for e in events]
