"""The chaos run: two sellers' orders (the second reusing the first's marketplace order ids)
flow through all six stages while every service is SIGKILLed once, PostgreSQL and the broker
die and come back, stock is received mid-run and cancellations race the scanner. Nobody
restarts anything by hand: a supervisor thread runs `Stack.supervise()`, as `packline up` does.
Then everything is counted. tests/e2e runs it on the embedded stack, tests/kafka on Apache Kafka.
"""

import json
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any

import httpx

from packline_contracts import Topic
from packline_launcher import sample_orders
from packline_launcher.calls import signed
from packline_launcher.stack import Stack

from .helpers import jsonl, read_topic, republish, wait_until
from .scenario import _poison, db, sku_demand, uid

SELLER_A = "seller-chaos-a"
SELLER_B = (
    "seller-chaos-b"  # same marketplace order ids as A's first orders: identity is per seller
)
ORDERS_A = 1200
ORDERS_B = 300
PARTS = 8
RECEIVED_SHORT = 6  # units of the short SKU received (입고) mid-run, for seller A only
RACES = 30  # parcels whose scan races a cancellation
STACK_ENV = {"PACKLINE_BUNDLE_HOLD_SECONDS": "3", "PACKLINE_KAFKA_SESSION_TIMEOUT_MS": "6000"}
SERVICE_FAULTS = ("collector", "matcher", "bundler", "allocator", "waybill", "shipper")


class ChaosApi:
    """HTTP calls that ride out a dead service: a refused connection, a 502/503 or a timeout is
    retried until `patience` runs out (every call here is idempotent). Each acts as an owner of
    the seller it names (or `seller=`), with a fresh token per try; `/stats` across sellers."""

    def __init__(self, stack: Stack, patience: float = 180.0) -> None:
        self.stack = stack
        self.patience = patience
        self.http = httpx.Client(timeout=30.0)

    def response(
        self, method: str, service: str, path: str, seller: str | None = None, **kw: Any
    ) -> httpx.Response:
        deadline = time.monotonic() + self.patience
        while True:
            try:
                tried = signed(self.stack, path, kw, seller)
                response = self.http.request(method, self.stack.url(service) + path, **tried)
                if response.status_code not in (502, 503, 504):
                    return response
                problem = f"{response.status_code} {response.text[:200]}"
            except httpx.TransportError as exc:
                problem = f"{type(exc).__name__}: {exc}"
            if time.monotonic() > deadline:
                raise AssertionError(f"{method} {service}{path} kept failing: {problem}")
            time.sleep(0.5)

    def call(
        self, method: str, service: str, path: str, seller: str | None = None, **kw: Any
    ) -> Any:
        response = self.response(method, service, path, seller, **kw)
        assert response.status_code < 400, f"{method} {service}{path}: {response.text[:800]}"
        return response.json()


@contextmanager
def supervised(stack: Stack) -> Iterator[list[str]]:
    """`packline up`'s supervision loop in a thread: whatever dies is started again."""
    restarted: list[str] = []
    stop = threading.Event()
    failures: list[BaseException] = []

    def loop() -> None:
        while not stop.is_set():
            try:
                restarted.extend(stack.supervise())
            except BaseException as exc:  # reported to the test, never swallowed
                failures.append(exc)
                return
            stop.wait(0.5)

    thread = threading.Thread(target=loop, name="supervisor", daemon=True)
    thread.start()
    try:
        yield restarted
    finally:
        stop.set()
        thread.join(180)
    assert not failures, f"supervision failed: {failures[0]!r}"


def embedded_faults(stack: Stack) -> list[Callable[[], str]]:
    """One fault after each import part: every service SIGKILLed once, the broker killed, and
    PostgreSQL killed; the supervisor brings each back."""

    def kill_broker() -> str:
        assert stack.broker is not None and stack.broker.process is not None
        stack.broker.process.kill()
        stack.broker.process.wait(10)
        return "broker"

    return faults(stack, kill_broker)


def faults(stack: Stack, kill_broker: Callable[[], str]) -> list[Callable[[], str]]:
    """Every service SIGKILLed once and PostgreSQL killed (the supervisor restarts them), and
    the broker's fault as given (the embedded one is restarted by the supervisor too)."""

    def kill_service(name: str) -> Callable[[], str]:
        def fault() -> str:
            stack.kill(next(sp for sp in stack.processes if sp.name == name))
            return name

        return fault

    def kill_postgres() -> str:
        assert stack.postgres is not None
        postmaster = stack.postgres.postmaster()
        assert postmaster is not None
        postmaster.kill()
        postmaster.wait(10)
        return "postgres"

    services = [kill_service(name) for name in SERVICE_FAULTS]
    return [*services[:2], kill_broker, *services[2:4], kill_postgres, *services[4:]]


def run_chaos(stack: Stack, faults: list[Callable[[], str]]) -> None:
    api = ChaosApi(stack)
    orders_a = sample_orders.generate(
        ORDERS_A, seller_id=SELLER_A, seed=11, short_sku_isolated=True
    )
    orders_b = sample_orders.generate(
        ORDERS_B, seller_id=SELLER_B, seed=11, short_sku_isolated=True
    )
    assert {(o["marketplace"], o["marketplace_order_id"]) for o in orders_b} <= {
        (o["marketplace"], o["marketplace_order_id"]) for o in orders_a
    }
    orders = orders_a + orders_b
    by_uid = {uid(o): o for o in orders}
    early_cancels = {uid(o) for o in orders[::37]}

    initial: dict[tuple[str, str], int] = {}
    for seller, mine in ((SELLER_A, orders_a), (SELLER_B, orders_b)):
        api.call("POST", "matcher", "/catalogue", json=sample_orders.catalogue_body(seller))
        for body in sample_orders.mapping_bodies(seller):
            api.call("POST", "matcher", "/mappings", json=body)
        need = sample_orders.demand(mine)
        stock = {sku: (0 if sku == sample_orders.SHORT_SKU else q + 5) for sku, q in need.items()}
        initial.update({(seller, sku): q for sku, q in stock.items()})
        items_body = [{"sku": s, "on_hand": q} for s, q in stock.items()]
        api.call("PUT", "allocator", "/stock", json={"seller_id": seller, "items": items_body})

    mixed = sorted(orders, key=lambda o: (o["paid_at"], o["seller_id"]))
    size = -(-len(mixed) // PARTS)
    done: list[str] = []
    with supervised(stack) as restarted:
        for part in range(PARTS):
            chunk = mixed[part * size : (part + 1) * size]
            for seller in (SELLER_A, SELLER_B):  # a seller's person imports that seller's file
                mine = [o for o in chunk if o["seller_id"] == seller]
                if not mine:
                    continue
                result = api.call(
                    "POST", "collector", "/orders/import", seller, content=jsonl(mine)
                )
                # a retried import after a crash finds part of its file already there
                assert result["created"] + result["duplicates"] == len(mine), result
            for o in chunk:
                if uid(o) in early_cancels:
                    _cancel(api, o)
            if part == 3:
                received = [{"sku": sample_orders.SHORT_SKU, "on_hand": RECEIVED_SHORT}]
                api.call(
                    "PUT", "allocator", "/stock", json={"seller_id": SELLER_A, "items": received}
                )
            if part < len(faults):
                done.append(faults[part]())
        republish(stack.kafka_bootstrap, [_poison()])
        wait_until(
            "every fault healed", lambda: all(_ready(api, sp.url) for sp in stack.processes), 240
        )
        # the scanner starts once every early cancellation has been decided (by the shipper)
        wait_until(
            "early cancellations decided",
            lambda: api.call("GET", "collector", "/stats").get("cancel_requested", 0) == 0,
            240,
        )
        races = _race_cancellations_against_scans(api, early_cancels)
        _work_the_warehouse(api, len(orders))
    print(f"chaos: faults {done}; supervisor restarted {restarted}")
    healed = {label.rsplit("-", 1)[0] for label in restarted}
    assert set(SERVICE_FAULTS) <= healed, f"the supervisor did not restart {done} ({restarted})"
    _count_everything(stack, by_uid, early_cancels, races, initial)


def _cancel(api: ChaosApi, order: dict[str, Any]) -> httpx.Response:
    path = f"/orders/{order['marketplace']}/{order['marketplace_order_id']}/cancel"
    return api.response(
        "POST",
        "collector",
        path,
        params={"seller_id": order["seller_id"]},
        json={"reason": "chaos"},
    )


def _ready(api: ChaosApi, url: str) -> bool:
    try:
        return api.http.get(f"{url}/health/ready", timeout=3).status_code == 200
    except httpx.HTTPError:
        return False


def _ready_parcels(api: ChaosApi) -> list[dict[str, Any]]:
    """Both sellers' READY parcels (a person of one seller sees only that seller's)."""
    return [
        parcel
        for seller in (SELLER_A, SELLER_B)
        for parcel in api.call("GET", "shipper", "/parcels?status=READY&limit=500", seller)["items"]
    ]


def _race_cancellations_against_scans(
    api: ChaosApi, early_cancels: set[str]
) -> dict[str, tuple[int, int]]:
    """A cancellation and a scan of the same single-order parcel, sent at the same moment.
    Returns order uid → (cancel status code, scan status code)."""
    singles: list[tuple[str, str]] = []

    def enough_singles() -> bool:
        singles.clear()
        for parcel in _ready_parcels(api):
            detail = api.call(
                "GET", "shipper", f"/parcels/{parcel['tracking_number']}", parcel["seller_id"]
            )
            members = detail["members"]
            if len(members) == 1 and members[0]["order"] not in early_cancels:
                singles.append((members[0]["order"], parcel["tracking_number"]))
            if len(singles) >= RACES:
                return True
        return False

    wait_until(f"{RACES} single-order parcels ready", enough_singles, 300, every=2.0)
    by_uid_ref = {u: u.split(":", 2) for u, _ in singles}
    outcomes: dict[str, tuple[int, int]] = {}
    with ThreadPoolExecutor(max_workers=8) as pool:
        for order_uid, tracking in singles:
            seller, marketplace, order_id = by_uid_ref[order_uid]
            order = {
                "seller_id": seller,
                "marketplace": marketplace,
                "marketplace_order_id": order_id,
            }
            scan_body = {
                "seller_id": seller,
                "tracking_numbers": [tracking],
                "scanned_by": "chaos-race",
            }
            cancel = pool.submit(_cancel, api, order)
            scan = pool.submit(api.response, "POST", "shipper", "/scan", json=scan_body)
            outcomes[order_uid] = (cancel.result().status_code, scan.result().status_code)
    return outcomes


def _work_the_warehouse(api: ChaosApi, total: int) -> None:
    """Scan whatever is ready until every order is shipped, cancelled or waiting for stock."""

    def settled() -> bool:
        ready = _ready_parcels(api)
        if ready:
            for seller in sorted({p["seller_id"] for p in ready}):  # a scan names its seller
                body = {
                    "seller_id": seller,
                    "tracking_numbers": [
                        p["tracking_number"] for p in ready if p["seller_id"] == seller
                    ],
                    "scanned_by": "chaos",
                    "confirm_incomplete": True,  # the packer repacks partly cancelled boxes
                }
                api.response("POST", "shipper", "/scan", json=body)  # 422 if one just stopped
            return False
        collector = api.call("GET", "collector", "/stats")
        waiting = api.call("GET", "allocator", "/stats").get("waiting_orders", 0)
        return (
            collector.get("cancel_requested", 0) == 0
            and collector["shipped"] + collector["cancelled"] + waiting == total
        )

    wait_until("every order shipped, cancelled or waiting", settled, 420, every=1.0)


def _count_everything(
    stack: Stack,
    by_uid: dict[str, dict[str, Any]],
    early_cancels: set[str],
    races: dict[str, tuple[int, int]],
    initial: dict[tuple[str, str], int],
) -> None:
    status = {
        f"{r['seller_id']}:{r['marketplace']}:{r['marketplace_order_id']}": r["status"]
        for r in db(
            stack,
            "SELECT seller_id, marketplace, marketplace_order_id, status FROM collector.orders",
        )
    }
    assert set(status) == set(by_uid), "an order was lost or invented at collection"
    shipped = {u for u, s in status.items() if s == "SHIPPED"}
    cancelled = {u for u, s in status.items() if s == "CANCELLED"}
    waiting = {
        r["order_uid"]
        for r in db(
            stack,
            """SELECT o.order_uid FROM allocator.bundle_orders o JOIN allocator.bundles b
               USING (bundle_id) WHERE b.status = 'WAITING' AND o.status = 'LIVE'""",
        )
    }
    # every order is shipped, waiting or cancelled, exactly once
    assert not (shipped & cancelled) and not (shipped & waiting) and not (cancelled & waiting)
    assert shipped | cancelled | waiting == set(by_uid), {
        u: status[u] for u in set(by_uid) - shipped - cancelled - waiting
    }
    assert all(sample_orders.SHORT_SKU in sku_demand(by_uid[u]) for u in waiting)
    assert early_cancels <= cancelled, "a cancellation before any scan did not take effect"
    assert {u.split(":")[0] for u in shipped} == {SELLER_A, SELLER_B}

    # a race has one answer: the scan won (shipped, and a return case) or the cancel did
    late = {
        f"{r['seller_id']}:{r['marketplace']}:{r['marketplace_order_id']}"
        for r in db(stack, "SELECT * FROM collector.order_attention")
        if r["kind"] == "CANCELLED_AFTER_SHIPPING"
    }
    for order_uid, (cancel_code, scan_code) in races.items():
        assert cancel_code == 202, (order_uid, cancel_code)
        if order_uid in shipped:
            assert scan_code == 200 and order_uid in late, (order_uid, scan_code)
        else:
            assert order_uid in cancelled and scan_code == 422, (order_uid, scan_code)
    assert late <= set(races), "a cancel-after-shipping case nobody raced"

    # each shipped order is in exactly one Shipped fact, one bundle and one parcel
    events: dict[str, dict[str, Any]] = {}
    for record in read_topic(stack.kafka_bootstrap, Topic.SHIPPED):
        payload = json.loads(record.value)
        events[payload["event_id"]] = payload
    shipped_in: dict[str, set[str]] = defaultdict(set)
    for event_id, event in events.items():
        for o in event["orders"]:
            shipped_in[uid(o["order"])].add(event_id)
    assert set(shipped_in) == shipped
    assert all(len(ids) == 1 for ids in shipped_in.values()), "an order shipped twice"
    assert (
        db(stack, "SELECT order_uid FROM bundler.bundle_members GROUP BY 1 HAVING count(*) > 1")
        == []
    )
    parcels_of: Counter[str] = Counter()
    for row in db(stack, "SELECT members FROM shipper.parcels WHERE status <> 'VOIDED'"):
        for member in json.loads(row["members"]):
            parcels_of[member["uid"]] += 1
    assert [u for u, n in parcels_of.items() if n > 1] == [], "an order in two live parcels"

    # stock reconciles to the unit: on hand = initial + received - shipped; reserved = live
    shipped_units: Counter[tuple[str, str]] = Counter()
    for order_uid in shipped:
        seller = by_uid[order_uid]["seller_id"]
        for sku, quantity in sku_demand(by_uid[order_uid]).items():
            shipped_units[(seller, sku)] += quantity
    received = {(SELLER_A, sample_orders.SHORT_SKU): RECEIVED_SHORT}
    reserved: Counter[tuple[str, str]] = Counter()
    for r in db(
        stack, "SELECT seller_id, sku, sum(quantity) AS q FROM allocator.reservations GROUP BY 1, 2"
    ):
        reserved[(r["seller_id"], r["sku"])] = int(r["q"])
    stock = {(r["seller_id"], r["sku"]): r for r in db(stack, "SELECT * FROM allocator.stock")}
    for key, start in initial.items():
        expected = start + received.get(key, 0) - shipped_units[key]
        assert stock[key]["on_hand"] == expected, (key, stock[key]["on_hand"], expected)
        assert stock[key]["allocated"] == reserved[key], (
            key,
            stock[key]["allocated"],
            reserved[key],
        )
        assert stock[key]["on_hand"] >= stock[key]["allocated"] >= 0, key

    # no dead letter left unexplained: only the poison message we sent
    letters = []
    for schema in SERVICE_FAULTS:
        letters += [
            (schema, r["error"])
            for r in db(stack, f"SELECT error FROM {schema}.dead_letters WHERE status = 'OPEN'")
        ]
    assert [s for s, e in letters if "malformed event" in e] == ["matcher"], letters
    assert len(letters) == 1, letters
