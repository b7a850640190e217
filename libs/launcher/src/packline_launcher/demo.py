"""`packline demo`: a seller's day on the embedded stack, with the warehouse played too."""

import time
from collections.abc import Callable
from typing import Any

import httpx

from packline_launcher import sample_orders
from packline_launcher.stack import Stack

SELLER = "seller-demo"
STAGES = ("collector", "matcher", "bundler", "allocator", "waybill", "shipper")


class Demo:
    def __init__(self, stack: Stack, orders: int, say: Callable[[str], None] = print) -> None:
        self.stack = stack
        self.count = orders
        self.say = say
        self.http = httpx.Client(timeout=30.0)

    def post(self, service: str, path: str, **kwargs: Any) -> Any:
        response = self.http.request(
            kwargs.pop("method", "POST"), self.stack.url(service) + path, **kwargs
        )
        if response.status_code >= 400:
            raise RuntimeError(f"{service} {path}: {response.status_code} {response.text[:500]}")
        return response.json()

    def stats(self) -> dict[str, dict[str, int]]:
        return {s: self.post(s, "/stats", method="GET") for s in STAGES}

    def setup(self) -> list[dict[str, Any]]:
        orders = sample_orders.generate(self.count, seller_id=SELLER)
        mapped = tuple(li for li in sample_orders.CATALOGUE if li != sample_orders.UNMAPPED)
        # the unmapped listing is left for a person to match once orders wait for it
        for body in sample_orders.mapping_bodies(SELLER, mapped, created_by="demo"):
            self.post("matcher", "/mappings", json=body)
        need = sample_orders.demand(orders)
        stock = {
            sku: (q // 3 if sku == sample_orders.SHORT_SKU else q + 10) for sku, q in need.items()
        }
        self.post(
            "allocator",
            "/stock",
            method="PUT",
            json={
                "seller_id": SELLER,
                "items": [{"sku": s, "on_hand": q} for s, q in stock.items()],
            },
        )
        self.say(
            f"재고 설정: {len(stock)} SKUs; {sample_orders.SHORT_SKU} short "
            f"({stock[sample_orders.SHORT_SKU]} on hand for {need[sample_orders.SHORT_SKU]} needed)"
        )
        return orders

    def collect(self, orders: list[dict[str, Any]]) -> None:
        import json

        body = "\n".join(json.dumps(o, ensure_ascii=False) for o in orders).encode()
        result = self.post(
            "collector",
            "/orders/import",
            content=body,
            headers={"content-type": "application/x-ndjson"},
        )
        self.say(
            f"주문수집: {result['created']} orders registered from file "
            f"({len(sample_orders.MARKETPLACES)} marketplaces)"
        )
        first = orders[0]
        self.post(
            "collector",
            f"/orders/{first['marketplace']}/{first['marketplace_order_id']}/cancel",
            json={"reason": "고객 변심 (demo)"},
        )
        self.say(
            f"취소: order {first['marketplace']}:{first['marketplace_order_id']} cancelled by the seller"
        )

    def person_matches(self) -> None:
        listing = sample_orders.UNMAPPED
        waiting = self.post("matcher", f"/unmatched?seller_id={SELLER}", method="GET")
        marketplaces = sorted({row["order"].split(":")[0] for row in waiting})
        released = 0
        for body in sample_orders.mapping_bodies(
            SELLER, (listing,), marketplaces, created_by="demo-operator"
        ):
            released += len(self.post("matcher", "/mappings", json=body)["released_orders"])
        self.say(
            f"매칭: a person mapped '{listing.product_name}' → {released} waiting orders released"
        )

    def scan_ready(self) -> int:
        ready = self.post("shipper", "/parcels?status=READY&limit=500", method="GET")
        numbers = [p["tracking_number"] for p in ready]
        if numbers:
            self.post(
                "shipper",
                "/scan",
                json={"tracking_numbers": numbers, "scanned_by": "demo-warehouse"},
            )
        return len(numbers)

    def progress_line(self, st: dict[str, dict[str, int]]) -> str:
        c, m, b, a, w, s = (st[x] for x in STAGES)
        return (
            f"collected {c['collected']:4d} | matched {m['matched']:4d} (unmatched {m['unmatched']}) | "
            f"bundles {b.get('sealed', 0):4d} sealed | allocated {a.get('allocated', 0) + a.get('shipped', 0):4d} "
            f"(waiting {a.get('waiting', 0)}) | waybills {w.get('issued', 0):4d} | shipped {s.get('shipped', 0):4d}"
        )

    def run(self, timeout: float = 300.0) -> dict[str, int]:
        orders = self.setup()
        self.collect(orders)
        matched_by_person = False
        deadline = time.monotonic() + timeout
        last, stable_since = None, time.monotonic()
        while time.monotonic() < deadline:
            st = self.stats()
            if (
                not matched_by_person
                and st["matcher"]["unmatched"] > 0
                and st["matcher"]["matched"] > 0
            ):
                self.person_matches()
                matched_by_person = True
            scanned = self.scan_ready()
            self.say(self.progress_line(st) + (f" | scanned {scanned}" if scanned else ""))
            summary = self.summary(st)
            settled = matched_by_person and summary["collected"] == (
                summary["shipped"] + summary["waiting"] + summary["cancelled"]
            )
            if summary != last or not settled:
                last, stable_since = summary, time.monotonic()
            elif time.monotonic() - stable_since > 3:
                self.table(st)
                return summary
            time.sleep(1.0)
        raise TimeoutError(f"demo did not settle in {timeout:.0f}s; last counts {last}")

    @staticmethod
    def summary(st: dict[str, dict[str, int]]) -> dict[str, int]:
        c = st["collector"]
        return {
            "collected": c["collected"],
            "shipped": c.get("shipped", 0),
            "waiting": st["allocator"].get("waiting_orders", 0),
            "cancelled": c.get("cancelled", 0),
        }

    def table(self, st: dict[str, dict[str, int]]) -> None:
        self.say("")
        self.say(f"{'stage':<10} counts")
        self.say("-" * 72)
        for stage in STAGES:
            counts = ", ".join(f"{k}={v}" for k, v in sorted(st[stage].items()))
            self.say(f"{stage:<10} {counts}")
        self.say("-" * 72)
