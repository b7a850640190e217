"""Packline's side of the bench: orders into the collector's HTTP API, parcels scanned through
the shipper's bulk scan API as they become READY, times read off the topics (watch.py).

Every run has its own seller (its catalogue, mappings and stock: the orders' demand plus a
margin, so no bundle waits for stock), so runs never see each other's orders."""

import asyncio
import json
import statistics
import threading
import time
import uuid
from typing import Any

import httpx
from watch import TIMED, TopicClock, uid

from packline_launcher import sample_orders
from packline_launcher.calls import SellerAuth
from packline_launcher.stack import Stack

IMPORT_CHUNK = 2000  # orders per POST /orders/import
SCAN_CHUNK = 1000  # the shipper's MAX_ROWS per scan
SCANNED_HOW = (
    "a scanner thread lists READY parcels (GET /parcels?status=READY&limit=1000) and ships "
    "them through the shipper's bulk scan API (POST /scan, confirm_incomplete), in a loop"
)


def order_uid(order: dict[str, Any]) -> str:
    return uid(order)


class Seller:
    def __init__(self, stack: Stack, label: str, count: int, seed: int) -> None:
        self.stack = stack
        self.id = f"bench-{label}-{uuid.uuid4().hex[:6]}"
        self.orders = sample_orders.generate(count, seller_id=self.id, seed=seed, repeat_share=0.2)
        self.http = httpx.Client(timeout=600, auth=SellerAuth(stack, self.id))
        self.scanned = 0

    def url(self, service: str, path: str) -> str:
        return self.stack.url(service) + path

    def prepare(self) -> None:
        body = sample_orders.catalogue_body(self.id)
        self.http.post(self.url("matcher", "/catalogue"), json=body).raise_for_status()
        for mapping in sample_orders.mapping_bodies(self.id):
            self.http.post(self.url("matcher", "/mappings"), json=mapping).raise_for_status()
        need = sample_orders.demand(self.orders)
        items = [{"sku": s, "on_hand": q + 100} for s, q in need.items()]
        self.http.put(
            self.url("allocator", "/stock"), json={"seller_id": self.id, "items": items}
        ).raise_for_status()

    def import_orders(self, orders: list[dict[str, Any]]) -> None:
        for i in range(0, len(orders), IMPORT_CHUNK):
            body = "\n".join(
                json.dumps(o, ensure_ascii=False) for o in orders[i : i + IMPORT_CHUNK]
            )
            answer = self.http.post(self.url("collector", "/orders/import"), content=body.encode())
            if answer.is_error:  # say why: a refused import ends the bench
                raise RuntimeError(f"import refused ({answer.status_code}): {answer.text[:2000]}")

    def scan_ready(self) -> int:
        path = f"/parcels?status=READY&limit={SCAN_CHUNK}&seller_id={self.id}"
        items = self.http.get(self.url("shipper", path)).raise_for_status().json()["items"]
        if not items:
            return 0
        self.http.post(
            self.url("shipper", "/scan"),
            json={
                "seller_id": self.id,
                "tracking_numbers": [p["tracking_number"] for p in items],
                "scanned_by": "bench",
                "confirm_incomplete": True,
            },
        ).raise_for_status()
        self.scanned += len(items)
        return len(items)

    def scanner(self, stop: threading.Event) -> threading.Thread:
        def loop() -> None:
            while not stop.is_set():
                if self.scan_ready() < SCAN_CHUNK:
                    stop.wait(0.2)

        thread = threading.Thread(target=loop, name="scanner", daemon=True)
        thread.start()
        return thread


def throughput(stack: Stack, clock: TopicClock, count: int, stall: float = 90.0) -> dict[str, Any]:
    """`count` orders imported at once; orders/s from the first import request until the last
    order is on the Shipped topic."""
    seller = Seller(stack, f"t{count}", count, seed=count)
    seller.prepare()
    uids = [order_uid(o) for o in seller.orders]
    stop = threading.Event()
    started = time.monotonic()
    scanning = seller.scanner(stop)
    try:
        seller.import_orders(seller.orders)
        imported = time.monotonic() - started
        shipped, progress_at = 0, time.monotonic()
        while shipped < count and time.monotonic() - progress_at < stall:
            time.sleep(0.5)
            clock.check()
            now_shipped = sum(1 for u in uids if u in clock.shipped)
            if now_shipped > shipped:
                shipped, progress_at = now_shipped, time.monotonic()
    finally:
        stop.set()
        scanning.join(30)
    times = sorted(clock.shipped[u] - started for u in uids if u in clock.shipped)
    seconds = times[-1] if times else float("nan")
    stages = {}
    for topic in TIMED:
        events, last = clock.window(topic, started)
        stages[topic.name.lower()] = {
            "events": events,
            "last_at_s": None if last is None else round(last - started, 2),
        }
    tenth, ninetieth = (times[int(len(times) * q)] for q in (0.1, 0.9)) if times else (0, 0)
    return {
        "orders": count,
        "shipped": len(times),
        "complete": len(times) == count,
        "import_request_s": round(imported, 2),
        "seconds": round(seconds, 2),
        "orders_per_s": round(len(times) / seconds, 1) if times else 0.0,
        "orders_per_s_10_to_90": round(0.8 * len(times) / (ninetieth - tenth), 1)
        if times and ninetieth > tenth
        else None,
        "parcels_scanned": seller.scanned,
        "stages_last_event_at_s": stages,
    }


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def steady_latency(
    stack: Stack, clock: TopicClock, rate: int, seconds: float, drain: float = 600.0
) -> dict[str, Any]:
    """Orders offered at `rate`/s (a request of rate/10 orders every 100 ms, not waiting for the
    previous answer); per order: WaybillIssued on the topic minus the moment its request was
    sent."""
    count = int(rate * seconds)
    seller = Seller(stack, f"l{rate}", count, seed=rate + 1)
    seller.prepare()
    per_tick = max(1, rate // 10)
    offered: dict[str, float] = {}

    async def offer() -> float:
        async with httpx.AsyncClient(timeout=600, auth=SellerAuth(stack, seller.id)) as client:
            url = seller.url("collector", "/orders/import")
            tasks = []
            start = time.monotonic()
            for tick, i in enumerate(range(0, count, per_tick)):
                await asyncio.sleep(max(0.0, start + tick * 0.1 - time.monotonic()))
                chunk = seller.orders[i : i + per_tick]
                sent = time.monotonic()
                offered.update((order_uid(o), sent) for o in chunk)
                body = "\n".join(json.dumps(o, ensure_ascii=False) for o in chunk).encode()
                tasks.append(asyncio.create_task(client.post(url, content=body)))
            last_sent = time.monotonic() - start
            for answer in await asyncio.gather(*tasks):
                answer.raise_for_status()
            return last_sent

    stop = threading.Event()
    scanning = seller.scanner(stop)  # parcels leave, as they would on a working day
    try:
        offer_seconds = asyncio.run(offer())
        deadline = time.monotonic() + drain
        while time.monotonic() < deadline and not all(u in clock.waybill for u in offered):
            time.sleep(0.5)
            clock.check()
    finally:
        stop.set()
        scanning.join(30)
    waits = [(clock.waybill[u] - t) * 1000 for u, t in offered.items() if u in clock.waybill]
    return {
        "offered_per_s": rate,
        "offered_orders": count,
        "offered_over_s": round(offer_seconds, 2),
        "with_waybill": len(waits),
        "p50_ms": round(percentile(waits, 0.5), 1) if waits else None,
        "p99_ms": round(percentile(waits, 0.99), 1) if waits else None,
        "max_ms": round(max(waits), 1) if waits else None,
    }


def idle_latency(stack: Stack, clock: TopicClock, orders: int = 20) -> dict[str, Any]:
    """One order at a time on an idle system: POST /orders, then wait for its WaybillIssued."""
    seller = Seller(stack, "idle", orders, seed=5)
    seller.prepare()
    time.sleep(2.0)  # let the setup's events settle
    waits = []
    for order in seller.orders:
        key = order_uid(order)
        sent = time.monotonic()
        seller.http.post(seller.url("collector", "/orders"), json=order).raise_for_status()
        deadline = sent + 60
        while key not in clock.waybill and time.monotonic() < deadline:
            time.sleep(0.002)
        if key in clock.waybill:
            waits.append((clock.waybill[key] - sent) * 1000)
        time.sleep(0.3)
    return {
        "orders": orders,
        "with_waybill": len(waits),
        "p50_ms": round(statistics.median(waits), 1) if waits else None,
        "max_ms": round(max(waits), 1) if waits else None,
    }
