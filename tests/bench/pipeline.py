"""`make bench`: orders per second through each stage on the embedded stack (one process each).

Prints when each stage had handled every order, measured from the moment the import request
was sent. Not a test: it asserts nothing about speed, it measures.
"""

import argparse
import json
import signal
import sys
import tempfile
import time
from pathlib import Path

import httpx

from packline_launcher import sample_orders
from packline_launcher.calls import SellerAuth
from packline_launcher.stack import Stack

SELLER = "seller-bench"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--orders", type=int, default=5000)
    parser.add_argument("--replicas", type=int, default=1)
    args = parser.parse_args()
    stack = Stack(
        Path(tempfile.mkdtemp(prefix="packline-bench-")),
        replicas=args.replicas,
        env={"PACKLINE_BUNDLE_HOLD_SECONDS": "1", "PACKLINE_LOG_LEVEL": "WARNING"},
    )
    # a timeout or kill must still stop the broker, PostgreSQL and the services
    signal.signal(signal.SIGTERM, lambda signum, _frame: sys.exit(128 + signum))
    stack.start()
    try:
        run(stack, args.orders)
    finally:
        stack.stop()
    return 0


def run(stack: Stack, count: int) -> None:
    http = httpx.Client(timeout=300, auth=SellerAuth(stack, SELLER))  # a token on every call

    def stats(service: str) -> dict[str, int]:
        return dict(http.get(stack.url(service) + "/stats").json())

    def bundles() -> int:
        """Bundles the allocator has received (it sees every bundle the bundler seals)."""
        a = stats("allocator")
        return sum(a.get(k, 0) for k in ("waiting", "allocated", "shipped", "cancelled"))

    orders = sample_orders.generate(count, seller_id=SELLER, seed=11, repeat_share=0.2)
    catalogue = sample_orders.catalogue_body(SELLER)
    http.post(stack.url("matcher") + "/catalogue", json=catalogue).raise_for_status()
    for body in sample_orders.mapping_bodies(SELLER):
        http.post(stack.url("matcher") + "/mappings", json=body).raise_for_status()
    need = sample_orders.demand(orders)
    items = [{"sku": s, "on_hand": q} for s, q in need.items()]
    http.put(stack.url("allocator") + "/stock", json={"seller_id": SELLER, "items": items})
    body = "\n".join(json.dumps(o, ensure_ascii=False) for o in orders).encode()

    started = time.monotonic()
    http.post(stack.url("collector") + "/orders/import", content=body).raise_for_status()
    done: dict[str, float] = {"collector (import request)": time.monotonic() - started}
    goals = {  # in pipeline order: a stage is done once it and the stages before it are
        "matcher": lambda: stats("matcher")["matched"] >= count,
        "bundler": lambda: (
            stats("bundler").get("orders", 0) >= count
            and stats("bundler").get("open", 0) == 0
            and stats("bundler").get("pending_reviews", 0) == 0
        ),
        "allocator": lambda: stats("allocator").get("waiting", 0) == 0,
        "waybill": lambda: stats("waybill")["issued"] >= bundles(),
        "shipper (scanned as labels appear)": lambda: stats("collector")["shipped"] >= count,
    }
    while goals and time.monotonic() - started < 600:
        ready = http.get(stack.url("shipper") + "/parcels?status=READY&limit=1000").json()["items"]
        if ready:
            numbers = [p["tracking_number"] for p in ready]
            http.post(
                stack.url("shipper") + "/scan",
                json={"seller_id": SELLER, "tracking_numbers": numbers, "scanned_by": "bench"},
            )
        for stage, goal in list(goals.items()):  # in pipeline order: a stage finishes after
            if not goal():  # the one before it
                break
            done[stage] = time.monotonic() - started
            del goals[stage]
        time.sleep(0.2)
    print(
        f"\n{count} orders, {sum(len(o['lines']) for o in orders)} lines, "
        f"{bundles()} bundles; seconds since the import request:"
    )
    for stage, seconds in done.items():
        print(f"  {stage:<38} {seconds:7.2f}s   {count / seconds:8.0f} orders/s")
    for stage in goals:
        print(f"  {stage:<38} did not finish")
    print("(bundles wait for the 1 s hold window; the shipper depends on the polling scanner)")


if __name__ == "__main__":
    sys.exit(main())
