"""Seller A's world for the authorization test, made through the services' APIs (and, where no
API makes one, the database) before any case runs: orders through every stage, a dead letter per
service, an attention item, parcels, accounts, keys."""

import asyncio
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import httpx
from aiokafka import AIOKafkaProducer

from packline_contracts import Topic
from packline_launcher import sample_orders
from packline_launcher.stack import SERVICES, Stack
from packline_launcher.testing_tokens import TestTokens
from packline_runtime.tokens import Role
from tests.api.authz_operations import ACCESS_KEY, SECRET_KEY, A, B, Operation

# ---------------------------------------------------------------------------------------------
# Seller A's world, made through the API before any case runs


@dataclass
class World:
    orders: list[dict[str, Any]] = field(default_factory=list)
    import_batch: str = ""
    collector_account: str = ""
    job_id: str = ""
    attention_id: int = 0
    review_id: int = 0
    bundle_id: str = ""
    tracking_numbers: list[str] = field(default_factory=list)
    parcel_id: str = ""
    courier_account: int = 0
    template_key: str = ""
    export_batch: str = ""
    letters: dict[str, int] = field(default_factory=dict)
    mapping: dict[str, Any] = field(default_factory=dict)
    b_counts_before: dict[str, Any] = field(default_factory=dict)

    @property
    def order(self) -> dict[str, Any]:
        return self.orders[0]

    def markers(self) -> list[str]:
        """Strings only A's rows hold: none may appear in anything B reads."""
        return [
            A,
            *(o["marketplace_order_id"] for o in self.orders),
            *self.tracking_numbers,
            self.parcel_id,
            self.bundle_id,
            self.collector_account,
            self.job_id,
            self.import_batch,
        ]


@dataclass
class Calls:
    stack: Stack
    tokens: TestTokens
    http: httpx.Client

    def request(
        self, op_or_service: Operation | str, method: str, path: str, token: str | None, **kw: Any
    ) -> httpx.Response:
        service = op_or_service if isinstance(op_or_service, str) else op_or_service.service
        headers = dict(kw.pop("headers", {}))
        if token is not None:
            headers["authorization"] = f"Bearer {token}"
        return self.http.request(method, self.stack.url(service) + path, headers=headers, **kw)

    def as_seller(
        self, seller: str, method: str, service: str, path: str, role: Role = Role.OWNER, **kw: Any
    ) -> Any:
        answer = self.request(service, method, path, self.tokens.token(seller, role), **kw)
        assert answer.status_code < 400, f"{method} {service}{path}: {answer.text[:800]}"
        return answer.json() if answer.content else None


def _until(what: str, check: Callable[[], Any], timeout: float = 120) -> Any:
    deadline = time.monotonic() + timeout
    while not (found := check()):
        assert time.monotonic() < deadline, f"timed out after {timeout:.0f}s waiting for: {what}"
        time.sleep(0.5)
    return found


def jsonl(orders: list[dict[str, Any]]) -> bytes:
    return "\n".join(json.dumps(o, ensure_ascii=False) for o in orders).encode()


def _poison_letters(stack: Stack) -> None:
    """A malformed event naming seller A on every stage's input topic: each stage keeps it as
    A's dead letter (its payload names the seller though it does not parse)."""

    async def send() -> None:
        producer = AIOKafkaProducer(bootstrap_servers=stack.kafka_bootstrap)
        await producer.start()
        try:
            for topic in (
                Topic.ORDER_COLLECTED,
                Topic.ORDER_MATCHED,
                Topic.BUNDLE_FORMED,
                Topic.STOCK_ALLOCATED,
                Topic.WAYBILL_ISSUED,
            ):
                poison = {"seller_id": A, "event_type": "NotAnEvent", "event_id": "x"}
                await producer.send_and_wait(topic.value, json.dumps(poison).encode(), key=b"authz")
        finally:
            await producer.stop()

    asyncio.run(send())


def _attention_item(stack: Stack, order: dict[str, Any]) -> int:
    """An attention item (확인 필요) of seller A's order, in the collector's own table: no API
    makes one on demand (re-collection, a too-late cancel or a marketplace's refusal does)."""

    async def insert() -> int:
        conn = await asyncpg.connect(stack.database_url)
        try:
            found: int = await conn.fetchval(
                "INSERT INTO collector.order_attention "
                "(seller_id, marketplace, marketplace_order_id, kind, detail) "
                "VALUES ($1, $2, $3, 'RECIPIENT_CHANGED', 'authorization test') "
                "RETURNING attention_id",
                A,
                order["marketplace"],
                order["marketplace_order_id"],
            )
            return found
        finally:
            await conn.close()

    return asyncio.run(insert())


def _orders(seed: int, prefix: str, count: int) -> list[dict[str, Any]]:
    orders = sample_orders.generate(count, seller_id=A, seed=seed)
    for n, o in enumerate(orders):
        o["marketplace_order_id"] = f"{prefix}{n:04d}"
    return orders


def make_world(calls: Calls) -> World:
    """Seller A's catalogue, mappings, stock and orders through every stage (numbers from the
    default band), a 확인필요 pair, a marketplace account and a collection job, a courier-file
    account with parcels exported to it, and a dead letter in every stage."""
    world = World()
    call = calls.as_seller
    for service in SERVICES:
        world.b_counts_before[service] = call(B, "GET", service, "/stats")
    call(A, "POST", "matcher", "/catalogue", json=sample_orders.catalogue_body(A))
    mappings = sample_orders.mapping_bodies(A)
    for body in mappings:
        call(A, "POST", "matcher", "/mappings", json=body)
    world.mapping = mappings[0]
    banded = _orders(11, "AUTHZA", 6)
    twin = json.loads(json.dumps(banded[0]))  # a 확인필요 pair: one name and door, two mobiles
    twin["marketplace_order_id"] = "AUTHZA9999"
    twin["recipient"]["mobile"] = "010-9876-5432"
    filed = _orders(12, "AUTHZF", 2)
    world.orders = [*banded, twin, *filed]
    need = sample_orders.demand(world.orders)
    stock = [{"sku": sku, "on_hand": units + 10} for sku, units in need.items()]
    call(A, "PUT", "allocator", "/stock", json={"seller_id": A, "items": stock})
    created = call(A, "POST", "collector", "/orders/import", content=jsonl([*banded, twin]))
    world.import_batch = created["batch_id"]

    assert calls.stack.marketsim is not None
    account = call(
        A,
        "POST",
        "collector",
        "/accounts",
        json={
            "marketplace": "COUPANG",
            "name": "쿠팡 권한시험",
            "vendor_id": "A00000001",
            "access_key": ACCESS_KEY,
            "secret_key": SECRET_KEY,
            "base_url": calls.stack.marketsim.url,
            "interval_minutes": 1440,
        },
    )
    world.collector_account = account["account_id"]
    start = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
    job = call(
        A,
        "POST",
        "collector",
        "/collections",
        json={"marketplaces": ["COUPANG"], "period_from": start},
    )
    world.job_id = job["job_id"]
    world.attention_id = _attention_item(calls.stack, world.order)
    _poison_letters(calls.stack)

    def review() -> Any:
        items = call(A, "GET", "bundler", f"/reviews?seller_id={A}")["items"]
        return items[0] if items else None

    first = _until("a 확인필요 review of seller A", review)
    world.review_id, world.bundle_id = first["review_id"], first["bundles"][0]

    def waybills() -> Any:
        return call(A, "GET", "waybill", f"/waybills?seller_id={A}&limit=100")["items"]

    issued = _until("waybills issued for seller A", waybills)
    world.parcel_id = issued[0]["parcel_id"]
    world.tracking_numbers = [w["tracking_number"] for w in issued]

    # from now on A's parcels wait for numbers from a courier file
    code = call(A, "GET", "waybill", "/couriers")[0]["code"]
    courier = call(
        A,
        "POST",
        "waybill",
        "/courier-accounts",
        json={
            "seller_id": A,
            "courier_code": code,
            "name": "권한시험 택배",
            "method": "FILE",
            "sender": {
                "name": "권한상점",
                "phone": "02-1234-5678",
                "address": "서울 중구 세종대로 110",
                "postcode": "04524",
            },
            "by": "authz",
        },
    )
    world.courier_account = courier["account_id"]
    call(
        A,
        "PUT",
        "waybill",
        "/waybill-settings",
        json={"seller_id": A, "default_account_id": world.courier_account, "by": "authz"},
    )
    world.template_key = call(A, "GET", "waybill", f"/courier-templates?seller_id={A}")[0]["key"]
    call(A, "POST", "collector", "/orders/import", content=jsonl(filed))

    def exported() -> Any:
        answer = calls.request(
            "waybill",
            "POST",
            "/exports",
            calls.tokens.token(A),
            json={"seller_id": A, "by": "authz"},
        )
        return answer.json()["id"] if answer.status_code == 201 else None

    world.export_batch = _until("parcels of seller A exported to a courier file", exported)

    def letters() -> bool:
        for service in SERVICES:
            if service not in world.letters:
                items = call(A, "GET", service, "/dead-letters")["items"]
                if items:
                    world.letters[service] = items[0]["id"]
        return set(world.letters) == set(SERVICES)

    _until("seller A's dead letter in every stage", letters)
    return world
