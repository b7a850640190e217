"""Who may call what, over real HTTP against the six running services, for EVERY operation of
their OpenAPI documents (design.md § 7): no token, a token of another key and an expired one are
401; a viewer changes nothing (403); the platform role sre reads only /stats and /flow (403
for the rest); seller B's token against seller A's data is answered 404 (A's resources named in
the path, or A named as `seller_id` in the query or body), and B's lists and counts hold none of
A's rows.

The operations are generated from the services' documents: a new endpoint gets every case
without anyone writing one, and fails until this module knows how to fill its parameters
(`PATH_VALUES`, `QUERY_VALUES`, `BODIES`): nothing slips through untested."""

import asyncio
import importlib
import io
import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import httpx
import pytest
from aiokafka import AIOKafkaProducer

from packline_contracts import Topic
from packline_launcher import keys, sample_orders
from packline_launcher.stack import SERVICES, Stack
from packline_launcher.testing_tokens import TestTokens
from packline_runtime import tokens
from packline_runtime.settings import Settings
from packline_runtime.tokens import Caller, Role

pytestmark = pytest.mark.e2e

A = "authz-seller-a"
B = "authz-seller-b"
OPEN = frozenset({"/health/live", "/health/ready", "/metrics"})
# Called by couriers, not people: no service token, the courier's own signature instead
# (services/waybill tests check it); named here so no other route can be left open unnoticed.
SIGNED_BY_COURIER = frozenset({"/courier-webhooks/{account_id}"})
# A PUT by key into the caller's own namespace: B's PUT of A's key makes B's own, never A's
# (checked by naming A's seller instead, and by test_an_upsert_by_key_stays_in_its_seller)
OWN_NAMESPACE_UPSERTS = frozenset({"waybill PUT /courier-templates/{key}"})
CHANGES = frozenset({"POST", "PUT", "PATCH", "DELETE"})
SRE_READS = frozenset({("GET", "/stats"), ("GET", "/flow")})  # counts and times, every seller's
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ACCESS_KEY, SECRET_KEY = "authz-access-key-0001", "authz-secret-key-0001"


@dataclass(frozen=True)
class Operation:
    service: str
    method: str
    path: str
    path_params: tuple[str, ...]
    query: tuple[tuple[str, bool], ...]  # (name, required)
    body_media: str | None  # the request body's media type, None without one
    body_names_seller: bool

    @property
    def key(self) -> str:
        return f"{self.service} {self.method} {self.path}"

    @property
    def names_seller(self) -> bool:
        return self.body_names_seller or any(name == "seller_id" for name, _ in self.query)


def _schema(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    """A body schema with its $ref (or `X | None`) resolved."""
    for option in schema.get("anyOf", [schema]):
        ref = option.get("$ref")
        if ref:
            found: dict[str, Any] = spec["components"]["schemas"][ref.rsplit("/", 1)[1]]
            return found
    return schema


def operations_of(service: str, spec: dict[str, Any]) -> list[Operation]:
    """Every operation of an OpenAPI document but the open health and metrics routes."""
    found = []
    for path, methods in spec["paths"].items():
        if path in OPEN or path in SIGNED_BY_COURIER:
            continue
        for method, op in methods.items():
            params = op.get("parameters", [])
            media, names_seller = None, False
            if "requestBody" in op:
                media, content = next(iter(op["requestBody"]["content"].items()))
                body = _schema(spec, content.get("schema", {}))
                names_seller = "seller_id" in body.get("properties", {})
            found.append(
                Operation(
                    service=service,
                    method=method.upper(),
                    path=path,
                    path_params=tuple(p["name"] for p in params if p["in"] == "path"),
                    query=tuple(
                        (p["name"], bool(p.get("required"))) for p in params if p["in"] == "query"
                    ),
                    body_media=media,
                    body_names_seller=names_seller,
                )
            )
    return found


def _documented(service: str) -> list[Operation]:
    """The document the service serves, built in this process to parametrize the tests; the
    running services' own documents are checked against it (test_every_operation_is_tested)."""
    boot = importlib.import_module(f"packline_{service}.bootstrap")
    settings = getattr(boot, "load_settings", Settings)()
    return operations_of(service, boot.create_app(settings).openapi())


OPERATIONS = [op for service in SERVICES for op in _documented(service)]


def _cases(check: str, ops: list[Operation]) -> list[Any]:
    return [pytest.param(op, id=op.key) for op in ops]


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


def _jsonl(orders: list[dict[str, Any]]) -> bytes:
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


def _make_world(calls: Calls) -> World:
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
    created = call(A, "POST", "collector", "/orders/import", content=_jsonl([*banded, twin]))
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
    call(A, "POST", "collector", "/orders/import", content=_jsonl(filed))

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


# ---------------------------------------------------------------------------------------------
# How to fill what an operation asks for


def _line_id(w: World) -> str:
    return str(w.order["lines"][0]["line_id"])


PATH_VALUES: dict[tuple[str, str], Callable[[World, Operation], Any]] = {
    ("collector", "marketplace"): lambda w, _: w.order["marketplace"],
    ("collector", "marketplace_order_id"): lambda w, _: w.order["marketplace_order_id"],
    ("collector", "line_id"): lambda w, _: _line_id(w),
    ("collector", "account_id"): lambda w, _: w.collector_account,
    ("collector", "job_id"): lambda w, _: w.job_id,
    ("collector", "batch_id"): lambda w, _: w.import_batch,
    ("collector", "attention_id"): lambda w, _: w.attention_id,
    ("bundler", "review_id"): lambda w, _: w.review_id,
    ("bundler", "bundle_id"): lambda w, _: w.bundle_id,
    ("bundler", "seller_id"): lambda w, _: A,
    ("waybill", "tracking_number"): lambda w, _: w.tracking_numbers[0],
    ("waybill", "parcel_id"): lambda w, _: w.parcel_id,
    ("waybill", "key"): lambda w, _: w.template_key,
    ("waybill", "batch_id"): lambda w, _: w.export_batch,
    ("waybill", "account_id"): lambda w, _: w.courier_account,
    ("shipper", "tracking_number"): lambda w, _: w.tracking_numbers[-1],
    **{(s, "letter_id"): (lambda w, op: w.letters[op.service]) for s in SERVICES},
}

QUERY_VALUES: dict[str, Callable[[World], Any]] = {
    "date": lambda w: datetime.now(UTC).date().isoformat(),
    "by": lambda w: "authz",
    "filename": lambda w: "numbers.csv",
    "scanned_by": lambda w: "authz",
    "marketplace": lambda w: w.mapping["marketplace"],
    "listing_id": lambda w: w.mapping["listing_id"],
    "reason": lambda w: "authorization test",
    "kind": lambda w: "SKU",
    "value": lambda w: "AUTHZ-SKU",
}


def _order_body(w: World) -> dict[str, Any]:
    return {**w.order, "marketplace_order_id": "AUTHZB0001"}


def _xlsx() -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["SKU", "상품명"])  # type: ignore[union-attr]
    book.active.append(["AUTHZ-SKU", "권한시험"])  # type: ignore[union-attr]
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


Body = Callable[[World], dict[str, Any]]  # httpx keyword arguments: json= or content=
_reason: Body = lambda w: {"json": {"reason": "authorization test"}}  # noqa: E731
BODIES: dict[str, Body] = {
    # the runtime's routes, the same on every service ("*")
    "* POST /dead-letters/{letter_id}/redrive": lambda w: {"json": {}},
    "collector POST /orders/excel": lambda w: {"content": _xlsx()},
    "collector POST /orders": lambda w: {"json": _order_body(w)},
    "collector POST /orders/import": lambda w: {
        "content": _jsonl([{**_order_body(w), "seller_id": A}])
    },
    "collector POST /orders/{marketplace}/{marketplace_order_id}/cancel": _reason,
    "collector POST /orders/{marketplace}/{marketplace_order_id}/cancel-lines": lambda w: {
        "json": {"lines": [{"line_id": _line_id(w), "quantity": 1}]}
    },
    "collector POST /accounts": lambda w: {
        "json": {
            "seller_id": A,
            "marketplace": "NAVER",
            "name": "네이버 권한시험",
            "client_id": "authz-client",
            "client_secret": "authz-secret",
        }
    },
    "collector PATCH /accounts/{account_id}": lambda w: {"json": {"enabled": False}},
    "collector POST /orders-attention/{attention_id}/resolve": lambda w: {
        "json": {"note": "authorization test"}
    },
    "collector POST /collections": lambda w: {
        "json": {
            "seller_id": A,
            "marketplaces": ["COUPANG"],
            "period_from": (datetime.now(UTC) - timedelta(hours=1)).isoformat(),
        }
    },
    "matcher POST /mappings": lambda w: {"json": w.mapping},
    "matcher POST /catalogue": lambda w: {
        "json": {"seller_id": A, "items": [{"sku": "AUTHZ-SKU", "name": "권한시험"}]}
    },
    "matcher POST /catalogue/import": lambda w: {
        "content": _xlsx(),
        "headers": {"content-type": XLSX},
    },
    "bundler POST /bundles/seal": lambda w: {"json": {"seller_id": A}},
    "bundler POST /reviews/{review_id}/merge": _reason,
    "bundler POST /reviews/{review_id}/keep-apart": _reason,
    "bundler POST /bundles/{bundle_id}/unmerge": lambda w: {
        "json": {"reason": "authorization test", "orders": ["nobody:OWN_SHOP:1"]}
    },
    "bundler PUT /settings/{seller_id}": lambda w: {"json": {"mode": "MANUAL"}},
    "bundler PUT /exclusions": lambda w: {
        "json": {"seller_id": A, "kind": "SKU", "value": "AUTHZ-SKU"}
    },
    "allocator PUT /stock": lambda w: {
        "json": {"seller_id": A, "items": [{"sku": "AUTHZ-SKU", "on_hand": 1}]}
    },
    "allocator POST /allocation/waves": lambda w: {"json": {"seller_id": A}},
    "waybill POST /labels": lambda w: {
        "json": {"seller_id": A, "by": "authz", "parcel_ids": [w.parcel_id]}
    },
    "waybill POST /parcels/{parcel_id}/replace-number": lambda w: {
        "json": {"seller_id": A, "by": "authz", "reason": "authorization test"}
    },
    "waybill POST /bookings/retry": lambda w: {"json": {"seller_id": A}},
    "waybill PUT /courier-templates/{key}": lambda w: {"json": {}},
    "waybill POST /exports": lambda w: {
        "json": {"seller_id": A, "by": "authz", "confirm_reexport": True}
    },
    "waybill POST /imports": lambda w: {
        "content": f"주문번호,운송장번호\nPL00000004,{w.tracking_numbers[0]}\n".encode()
    },
    "waybill POST /courier-accounts": lambda w: {
        "json": {
            "seller_id": A,
            "courier_code": "CJGLS",
            "name": "권한시험",
            "method": "FILE",
            "sender": {
                "name": "권한상점",
                "phone": "02-1234-5678",
                "address": "서울 중구 세종대로 110",
                "postcode": "04524",
            },
            "by": "authz",
        }
    },
    "waybill POST /courier-accounts/{account_id}/disable": lambda w: {"json": {"by": "authz"}},
    "waybill POST /courier-accounts/{account_id}/bands": lambda w: {
        "json": {"start": 100000, "end": 100100, "by": "authz"}
    },
    "waybill PUT /waybill-settings": lambda w: {"json": {"seller_id": A, "by": "authz"}},
    "waybill POST /courier-webhooks/{account_id}": lambda w: {"content": b"{}"},
    # the last parcel: the first one's number may have been replaced by an earlier case
    "shipper POST /scan": lambda w: {
        "json": {"seller_id": A, "tracking_numbers": w.tracking_numbers[-1:], "scanned_by": "authz"}
    },
    "shipper POST /scan/file": lambda w: {"content": w.tracking_numbers[-1].encode() + b"\n"},
}

# Operations whose answer to another seller's named resources is not a 404 by design: a bulk
# redrive answers each id (NOT_FOUND for another seller's letter).
BULK = frozenset(f"{s} POST /dead-letters/redrive" for s in SERVICES)
# Bodies read raw (no schema in the document) that name their seller: a JSON-lines import.
RAW_BODY_NAMES_SELLER = frozenset({"collector POST /orders/import"})


def _names_another_sellers_data(op: Operation) -> bool:
    return bool(
        op.path_params or op.names_seller or op.key in BULK or op.key in RAW_BODY_NAMES_SELLER
    )


def _lists(op: Operation) -> bool:
    return op.method == "GET" and not op.path_params


class CannotFill(AssertionError):
    """An operation asks for something this module does not know how to give."""


def _path(op: Operation, world: World | None) -> str:
    path = op.path
    for name in op.path_params:
        if world is None:
            value: Any = "1"
        else:
            fill = PATH_VALUES.get((op.service, name))
            if fill is None:
                raise CannotFill(f"{op.key}: no value for path parameter {name!r}; add one")
            value = fill(world, op)
        path = path.replace("{" + name + "}", str(value))
    return path


def _query(op: Operation, world: World, seller: str | None) -> dict[str, Any]:
    query: dict[str, Any] = {}
    for name, required in op.query:
        if name == "seller_id":
            if seller is not None:
                query[name] = seller
        elif required:
            fill = QUERY_VALUES.get(name)
            if fill is None:
                raise CannotFill(f"{op.key}: no value for required query parameter {name!r}")
            query[name] = fill(world)
    return query


def _body(op: Operation, world: World) -> dict[str, Any]:
    if op.key in BULK:
        return {"json": {"ids": [world.letters[op.service]]}}
    fill = BODIES.get(op.key) or BODIES.get(f"* {op.method} {op.path}")
    if fill is None and op.body_media is None:
        return {}
    if fill is None:
        raise CannotFill(f"{op.key}: no request body for it in BODIES; add one")
    return fill(world)


# ---------------------------------------------------------------------------------------------
# Fixtures


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    s = Stack(
        tmp_path_factory.mktemp("authz"),
        replicas=1,
        fresh=True,
        partitions=2,
        env={
            "PACKLINE_COLLECT_TICK_SECONDS": "3600",
            "PACKLINE_BUNDLE_HOLD_SECONDS": "1",
        },
    )
    s.start()
    try:
        yield s
    finally:
        s.stop()


@pytest.fixture(scope="module")
def calls(stack: Stack) -> Iterator[Calls]:
    """Tokens signed with the stack's own key, the one its services trust."""
    signer = TestTokens(keys.token_private_key(stack.workdir))
    with httpx.Client(timeout=60.0) as http:
        yield Calls(stack, signer, http)


@pytest.fixture(scope="module")
def world(calls: Calls) -> World:
    return _make_world(calls)


def _foreign_key_token() -> str:
    key = tokens.load_private_key(tokens.new_key_pair()[0])
    return tokens.sign(key, Caller(sub="intruder", seller_id=A, role=Role.OWNER))


def _expired_token(signer: TestTokens) -> str:
    key = tokens.load_private_key(signer.private_pem)
    issued = datetime.now(UTC) - timedelta(minutes=10)
    return tokens.sign(key, Caller(sub="late", seller_id=A, role=Role.OWNER), now=issued)


# ---------------------------------------------------------------------------------------------
# The cases


@pytest.mark.parametrize("service", SERVICES)
def test_every_operation_the_running_service_documents_is_tested(
    calls: Calls, service: str
) -> None:
    answer = calls.request(service, "GET", "/openapi.json", calls.tokens.token(A))
    assert answer.status_code == 200, answer.text[:300]
    served = {op.key for op in operations_of(service, answer.json())}
    tested = {op.key for op in OPERATIONS if op.service == service}
    assert served == tested


def test_every_operation_has_a_tenancy_case() -> None:
    """Each operation either names data (a path, a seller) that B must not reach, or is a list
    or count B reads; one that is neither is a new kind this module must learn about."""
    lost = [op.key for op in OPERATIONS if not (_names_another_sellers_data(op) or _lists(op))]
    assert not lost, f"no tenancy case for {lost}"


@pytest.mark.parametrize("op", _cases("no_token", OPERATIONS))
def test_no_token_is_401(calls: Calls, op: Operation) -> None:
    answer = calls.request(op, op.method, _path(op, None), None)
    assert answer.status_code == 401, answer.text[:300]
    assert answer.headers["www-authenticate"].lower().startswith("bearer")


@pytest.mark.parametrize("op", _cases("bad_token", OPERATIONS))
def test_a_token_of_another_key_or_expired_is_401(calls: Calls, op: Operation) -> None:
    for token in (_foreign_key_token(), _expired_token(calls.tokens), "not-a-jwt"):
        answer = calls.request(op, op.method, _path(op, None), token)
        assert answer.status_code == 401, answer.text[:300]


@pytest.mark.parametrize("op", _cases("viewer", [op for op in OPERATIONS if op.method in CHANGES]))
def test_a_viewer_changes_nothing(calls: Calls, op: Operation) -> None:
    answer = calls.request(op, op.method, _path(op, None), calls.tokens.token(A, Role.VIEWER))
    assert answer.status_code == 403, answer.text[:300]


@pytest.mark.parametrize(
    "op", _cases("sre", [op for op in OPERATIONS if (op.method, op.path) not in SRE_READS])
)
def test_the_sre_role_reads_only_stats_and_flow(calls: Calls, op: Operation) -> None:
    answer = calls.request(op, op.method, _path(op, None), calls.tokens.token(A, Role.SRE))
    assert answer.status_code == 403, answer.text[:300]


@pytest.mark.parametrize(
    "op", _cases("sre_reads", [op for op in OPERATIONS if (op.method, op.path) in SRE_READS])
)
def test_the_sre_role_reads_counts_and_times(calls: Calls, op: Operation) -> None:
    answer = calls.request(op, "GET", op.path, calls.tokens.token(A, Role.SRE))
    assert answer.status_code == 200, answer.text[:300]
    if op.path == "/flow":
        assert set(answer.json()) == {"since", "done", "oldest"}


@pytest.mark.parametrize(
    "op", _cases("other_seller", [op for op in OPERATIONS if _names_another_sellers_data(op)])
)
def test_another_sellers_data_is_answered_404(calls: Calls, world: World, op: Operation) -> None:
    token = calls.tokens.token(B, Role.OWNER)
    body = _body(op, world)
    attempts: list[tuple[str, dict[str, Any]]] = []
    by_path = op.path_params and op.key not in OWN_NAMESPACE_UPSERTS
    if by_path or op.key in BULK:  # A's resource named, B's seller by default
        attempts.append(("by path", _query(op, world, None)))
    if op.names_seller or op.key in RAW_BODY_NAMES_SELLER:  # A named outright
        attempts.append(("by seller_id", _query(op, world, A)))
    for how, query in attempts:
        kw = dict(body)
        if how == "by seller_id" and op.body_names_seller and "json" in kw:
            kw["json"] = {**kw["json"], "seller_id": A}
        answer = calls.request(op, op.method, _path(op, world), token, params=query, **kw)
        if op.key in BULK:
            assert answer.status_code == 200, answer.text[:300]
            assert {r["outcome"] for r in answer.json()["results"]} == {"NOT_FOUND"}
        else:
            assert answer.status_code == 404, f"{how}: {answer.status_code} {answer.text[:300]}"


@pytest.mark.parametrize(
    "op",
    _cases("lists", [op for op in OPERATIONS if _lists(op)]),
)
def test_another_sellers_lists_and_counts_hold_none_of_its_rows(
    calls: Calls, world: World, op: Operation
) -> None:
    answer = calls.request(
        op, "GET", op.path, calls.tokens.token(B, Role.OWNER), params=_query(op, world, None)
    )
    assert answer.status_code == 200, answer.text[:300]
    if op.path == "/stats":
        assert answer.json() == world.b_counts_before[op.service]
    text = answer.text
    leaked = [m for m in world.markers() if m and m in text]
    assert not leaked, f"seller B reads seller A's {leaked}"


def test_an_upsert_by_key_stays_in_its_seller(calls: Calls, world: World) -> None:
    """B saving a courier template under A's key makes B's own copy; A's stays as it was."""
    path = f"/courier-templates/{world.template_key}"
    before = calls.as_seller(A, "GET", "waybill", "/courier-templates")
    definition = next(t for t in before if t["key"] == world.template_key)["definition"]
    renamed = {**definition, "name": "B's copy"}
    saved = calls.as_seller(B, "PUT", "waybill", path, json=renamed)
    assert saved["own"] and saved["name"] == "B's copy"
    assert calls.as_seller(A, "GET", "waybill", "/courier-templates") == before


def test_marketplace_keys_are_never_returned_or_logged(calls: Calls, world: World) -> None:
    """A's own reads show its account, the keys masked; no service's log holds them."""
    listed = calls.request("collector", "GET", "/accounts", calls.tokens.token(A)).text
    assert world.collector_account in listed
    assert SECRET_KEY not in listed and ACCESS_KEY not in listed
    logs = sorted((calls.stack.workdir / "logs").glob("*.log"))
    assert any(log.name.startswith("collector") for log in logs)
    for log in logs:
        text = log.read_text(errors="replace")
        assert SECRET_KEY not in text and ACCESS_KEY not in text, log.name
