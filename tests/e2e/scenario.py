"""The end-to-end scenario, runnable on any broker: 1,000 orders through all six stages with
two processes of every service, replayed events, a poison message and a SIGKILLed service.
tests/e2e runs it on the embedded broker, tests/kafka on Apache Kafka."""

import asyncio
import json
from collections import Counter, defaultdict
from collections.abc import Callable
from typing import Any

import asyncpg
import jsonschema

from packline_contracts import Shipped, Topic
from packline_contracts.schema_files import schema_path
from packline_launcher import sample_orders
from packline_launcher.stack import Stack

from .helpers import Api, jsonl, read_topic, republish, wait_until

SELLER = "seller-e2e"
ORDERS = 1000
# bundles seal after 5 s; a SIGKILLed consumer's partitions move after 6 s, not the default 10
STACK_ENV = {"PACKLINE_BUNDLE_HOLD_SECONDS": "5", "PACKLINE_KAFKA_SESSION_TIMEOUT_MS": "6000"}


def sku_demand(order: dict[str, Any]) -> Counter[str]:
    return Counter(sample_orders.demand([order]))


def uid(order: dict[str, Any]) -> str:
    return f"{order['seller_id']}:{order['marketplace']}:{order['marketplace_order_id']}"


def db(stack: Stack, query: str) -> list[asyncpg.Record]:
    async def run() -> list[asyncpg.Record]:
        conn = await asyncpg.connect(stack.database_url)
        try:
            return list(await conn.fetch(query))
        finally:
            await conn.close()

    return asyncio.run(run())


def run_pipeline(stack: Stack, during_import: Callable[[int], None] = lambda part: None) -> None:
    """The whole scenario on a started `stack`; `during_import(part)` runs after each of the
    four import files (a test injects a broker failure there)."""
    api = Api(stack, SELLER)
    orders = sample_orders.generate(ORDERS, seller_id=SELLER, seed=7, short_sku_isolated=True)
    cancelled = {uid(o) for o in orders[::40]}
    short = {uid(o) for o in orders if sample_orders.SHORT_SKU in sku_demand(o)}
    should_ship = {uid(o) for o in orders} - cancelled - short
    should_wait = short - cancelled
    assert should_ship and should_wait and cancelled

    api.call("POST", "matcher", "/catalogue", json=sample_orders.catalogue_body(SELLER))
    api.call("POST", "matcher", "/catalogue", json=sample_orders.catalogue_body(SELLER))
    for body in sample_orders.mapping_bodies(SELLER):
        api.call("POST", "matcher", "/mappings", json=body)
    need = sample_orders.demand(orders)
    initial = {sku: (0 if sku == sample_orders.SHORT_SKU else q + 5) for sku, q in need.items()}
    api.call(
        "PUT",
        "allocator",
        "/stock",
        json={
            "seller_id": SELLER,
            "items": [{"sku": s, "on_hand": q} for s, q in initial.items()],
        },
    )

    # collect in four files through both collector processes; cancel right behind them
    for part in range(4):
        chunk = orders[part * 250 : (part + 1) * 250]
        result = api.call("POST", "collector", "/orders/import", replica=part, content=jsonl(chunk))
        assert result["created"] == len(chunk)
        for o in chunk:
            if uid(o) in cancelled:
                api.call(
                    "POST",
                    "collector",
                    f"/orders/{o['marketplace']}/{o['marketplace_order_id']}/cancel"
                    f"?seller_id={o['seller_id']}",
                    json={"reason": "e2e"},
                )
        if part == 1:
            # a crash mid-run: no shutdown code runs, the group must rebalance
            victim = next(sp for sp in stack.processes if sp.label == "allocator-0")
            stack.kill(victim)
        during_import(part)
    # importing the same file again creates nothing
    again = api.call("POST", "collector", "/orders/import", content=jsonl(orders[:250]))
    assert again == {**again, "created": 0, "duplicates": 250}

    victim = next(sp for sp in stack.processes if sp.label == "allocator-0")
    stack.restart(victim)

    # a poison message and a replay of already-published events
    republish(stack.kafka_bootstrap, [_poison()])
    wait_until(
        "some orders allocated", lambda: api.stats("allocator").get("allocated", 0) > 50, 120
    )
    replay = read_topic(stack.kafka_bootstrap, Topic.ORDER_COLLECTED, idle_seconds=3)[:300]
    replay += read_topic(stack.kafka_bootstrap, Topic.BUNDLE_FORMED, idle_seconds=3)[:200]
    republish(stack.kafka_bootstrap, replay)

    # the warehouse scans only once every stage has heard of the cancellations
    wait_until(
        "cancellations reached the shipper",
        lambda: api.stats("shipper").get("cancelled_orders", 0) >= len(cancelled),
        120,
    )

    def warehouse_done() -> bool:
        ready = api.call("GET", "shipper", "/parcels?status=READY&limit=500")["items"]
        if ready:
            api.call(
                "POST",
                "shipper",
                "/scan",
                replica=len(ready),
                json={
                    "seller_id": SELLER,
                    "tracking_numbers": [p["tracking_number"] for p in ready],
                    "scanned_by": "e2e",
                    "confirm_incomplete": True,  # the packer repacks partly cancelled boxes
                },
            )
        collector = api.stats("collector")
        # a cancellation reads CANCELLED once the shipper has decided it (docs/adr/0003)
        return (
            collector.get("shipped", 0) == len(should_ship)
            and collector.get("cancelled", 0) == len(cancelled)
            and api.stats("allocator").get("waiting_orders") == len(should_wait)
        )

    wait_until(
        f"{len(should_ship)} orders shipped, {len(cancelled)} cancelled, {len(should_wait)} waiting",
        warehouse_done,
        300,
        every=1.0,
    )

    # --- every order that should ship is shipped exactly once, nothing else is ------------
    schema = json.loads(schema_path(Shipped).read_text(encoding="utf-8"))
    records = read_topic(stack.kafka_bootstrap, Topic.SHIPPED)
    events: dict[str, dict[str, Any]] = {}
    collected_traces = {
        json.loads(r.value)["correlation_id"]: _trace_id(r)
        for r in read_topic(stack.kafka_bootstrap, Topic.ORDER_COLLECTED, idle_seconds=3)
        if r.key != b"poison"
    }
    for r in records:
        payload = json.loads(r.value)
        jsonschema.validate(payload, schema)
        # the trace context travelled in Kafka headers through all six stages
        assert _trace_id(r) == collected_traces[payload["correlation_id"]]
        events[payload["event_id"]] = payload  # a relay re-send repeats an id: one fact
    shipped_in: dict[str, set[str]] = defaultdict(set)
    bundles_of: dict[str, set[str]] = defaultdict(set)
    for event_id, e in events.items():
        for o in e["orders"]:
            key = uid(o["order"])
            shipped_in[key].add(event_id)
            bundles_of[key].add(e["bundle_id"])
    assert set(shipped_in) == should_ship
    assert all(len(ids) == 1 for ids in shipped_in.values()), "an order shipped twice"
    assert all(len(b) == 1 for b in bundles_of.values()), "an order sits in two bundles"
    assert len({e["bundle_id"] for e in events.values()}) < len(should_ship), "nothing bundled"
    assert len({e["tracking_number"] for e in events.values()}) == len(events)

    # --- no order in two bundles, no stock negative or leaked ---------------------------
    assert (
        db(stack, "SELECT order_uid FROM bundler.bundle_members GROUP BY 1 HAVING count(*) > 1")
        == []
    )
    shipped_units: Counter[str] = Counter()
    for o in orders:
        if uid(o) in should_ship:
            shipped_units.update(sku_demand(o))
    stock = {
        r["sku"]: r
        for r in db(stack, f"SELECT * FROM allocator.stock WHERE seller_id = '{SELLER}'")
    }
    for sku, start in initial.items():
        assert stock[sku]["on_hand"] == start - shipped_units[sku], sku
        assert stock[sku]["allocated"] == 0, f"{sku} still reserved after everything shipped"
    assert db(stack, "SELECT * FROM allocator.stock WHERE on_hand < 0 OR allocated < 0") == []

    # --- waiting and cancelled orders are where they should be -----------------------------
    waiting = {
        r["order_uid"]
        for r in db(
            stack,
            """
        SELECT o.order_uid FROM allocator.bundle_orders o JOIN allocator.bundles b USING (bundle_id)
        WHERE b.status = 'WAITING' AND o.status = 'LIVE'""",
        )
    }
    assert waiting == should_wait
    statuses = {
        uid(dict(r)): r["status"]
        for r in db(
            stack,
            "SELECT seller_id, marketplace, marketplace_order_id, status FROM collector.orders",
        )
    }
    assert {k for k, v in statuses.items() if v == "CANCELLED"} == cancelled
    assert (
        db(
            stack,
            f"""SELECT * FROM allocator.reservations
                         WHERE order_uid = ANY(ARRAY{sorted(cancelled)!r})""",
        )
        == []
    )

    # --- the poison message is a dead letter, not a blocked partition ----------------------
    letters = db(stack, "SELECT error FROM matcher.dead_letters")
    assert any("malformed event" in r["error"] for r in letters)


def _trace_id(record: Any) -> str:
    headers = dict(record.headers or ())
    assert "traceparent" in headers, f"no trace context on {record.topic}"
    return str(headers["traceparent"].decode().split("-")[1])


def _poison() -> Any:
    class Record:
        topic = Topic.ORDER_COLLECTED.value
        key = b"poison"
        value = b'{"event_type": "OrderCollected", "seller_id": 42}'
        headers = ()

    return Record()
