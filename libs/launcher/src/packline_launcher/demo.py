"""`packline demo`: a seller's day on the embedded stack, with the warehouse played too."""

import time
from collections.abc import Callable
from typing import Any

import httpx

from packline_launcher import demo_market as market
from packline_launcher import sample_orders
from packline_launcher.calls import signed
from packline_launcher.demo_waybills import WaybillWays
from packline_launcher.stack import Stack

SELLER = "seller-demo"
STAGES = ("collector", "matcher", "bundler", "allocator", "waybill", "shipper")


class Demo:
    def __init__(self, stack: Stack, orders: int, say: Callable[[str], None] = print) -> None:
        self.stack = stack
        self.count = orders
        self.say = say
        self.http = httpx.Client(timeout=30.0)
        self.accounts: dict[str, dict[str, str]] = {}
        self.ways = WaybillWays(stack, self.http, say, SELLER)

    def post(self, service: str, path: str, **kwargs: Any) -> Any:
        """A call as the demo seller's owner (or of the seller the call names); `/stats` across
        the demo's sellers."""
        method = kwargs.pop("method", "POST")
        kwargs = signed(self.stack, path, kwargs, default=SELLER)
        response = self.http.request(method, self.stack.url(service) + path, **kwargs)
        if response.status_code >= 400:
            raise RuntimeError(f"{service} {path}: {response.status_code} {response.text[:500]}")
        return response.json()

    def stats(self) -> dict[str, dict[str, int]]:
        return {s: self.post(s, "/stats", method="GET") for s in STAGES}

    def call(self, service: str, path: str, **kwargs: Any) -> Any:
        if service != "marketsim":
            return self.post(service, path, **kwargs)
        if self.stack.marketsim is None:
            raise RuntimeError("the demo needs the marketplace simulator (the embedded default)")
        response = self.http.request(
            kwargs.pop("method", "POST"), self.stack.marketsim.url + path, **kwargs
        )
        if response.status_code >= 400:
            raise RuntimeError(f"marketsim {path}: {response.status_code} {response.text[:500]}")
        return response.json()

    def setup(self) -> dict[str, Any]:
        """Seller accounts and orders on the simulated marketplaces; mappings and stock."""
        assert self.stack.marketsim is not None
        self.accounts = market.open_accounts(self.call, SELLER, self.stack.marketsim.url)
        seeded = market.seed_orders(self.call, self.accounts, self.count)
        # the unmapped listing is left for a person to match once orders wait for it
        self.post("matcher", "/catalogue", json=sample_orders.catalogue_body(SELLER, "demo"))
        bodies = market.mapping_bodies(
            SELLER, market.mapped_products(), market.MARKETPLACES, "demo"
        )
        for body in bodies:
            self.post("matcher", "/mappings", json=body)
        need = seeded["demand"]
        stock = {sku: (q // 3 if sku == market.SHORT_SKU else q + 10) for sku, q in need.items()}
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
            f"재고 설정: {len(stock)} SKUs; {market.SHORT_SKU} short "
            f"({stock.get(market.SHORT_SKU, 0)} on hand for {need.get(market.SHORT_SKU, 0)} needed)"
        )
        self.ways.setup()
        return seeded

    def collect(self, seeded: dict[str, Any]) -> None:
        placed = seeded["placed"]
        self.say(
            f"판매처: {self.count} buyers' orders on the simulated marketplaces "
            f"({len(placed['COUPANG'])} Coupang boxes, {len(placed['NAVER'])} Naver product orders, "
            f"{len(placed.get('ELEVENST', []))} 11st shipping units)"
        )
        job = market.collect(self.call, SELLER, self.say)
        self.say(
            f"주문수집: {job['created']} orders collected through the Coupang WING, Naver Commerce "
            f"and 11st APIs ({job['acknowledged']} acknowledged, {job['unchanged']} already known)"
        )
        # a buyer cancels on the marketplace; the next collection turns it into OrderCancelled
        client_id, cancelled = self.accounts["NAVER"]["client_id"], placed["NAVER"][0]
        self.call("marketsim", f"/_sim/orders/NAVER/{client_id}/{cancelled}/cancel")
        job = market.collect(self.call, SELLER, self.say)
        self.say(
            f"취소: the buyer of NAVER:{cancelled} cancelled on the marketplace; re-collection "
            f"found {job['cancelled']} cancellation(s), {job['created']} new order(s)"
        )

    def person_matches(self) -> None:
        product = market.UNMAPPED
        waiting, cursor = [], ""
        while True:  # the queue comes a page at a time
            page = self.post("matcher", f"/unmatched?seller_id={SELLER}{cursor}", method="GET")
            waiting += page["items"]
            if page["next"] is None:
                break
            cursor = f"&cursor={page['next']}"
        marketplaces = tuple(sorted({row["marketplace"] for row in waiting}))
        released = 0
        for body in market.mapping_bodies(SELLER, (product,), marketplaces, "demo-operator"):
            released += len(self.post("matcher", "/mappings", json=body)["released_orders"])
        self.say(f"매칭: a person mapped '{product.name}' → {released} waiting orders released")

    def scan_ready(self) -> int:
        """The warehouse scans each seller's ready parcels (a person of one seller sees only
        that seller's parcels)."""
        scanned = 0
        for seller in (SELLER, *self.ways.sellers):
            path = f"/parcels?status=READY&limit=500&seller_id={seller}"
            numbers = [
                p["tracking_number"] for p in self.post("shipper", path, method="GET")["items"]
            ]
            if not numbers:
                continue
            scanned += len(numbers)
            answer = self.post(
                "shipper",
                "/scan",
                json={
                    "seller_id": seller,
                    "tracking_numbers": numbers,
                    "scanned_by": "demo-warehouse",
                    "confirm_incomplete": True,  # the demo's packer repacks partly cancelled boxes
                },
            )
            self.ways.picked_up(seller, answer["shipped"])
        return scanned

    def progress_line(self, st: dict[str, dict[str, int]]) -> str:
        c, m, b, a, w, s = (st[x] for x in STAGES)
        return (
            f"collected {c['collected']:4d} | matched {m['matched']:4d} (unmatched {m['unmatched']}) | "
            f"bundles {b.get('sealed', 0) + b.get('allocated', 0):4d} sealed | allocated {a.get('allocated', 0) + a.get('shipped', 0):4d} "
            f"(waiting {a.get('waiting', 0)}) | waybills {w.get('issued', 0):4d} | shipped {s.get('shipped', 0):4d}"
        )

    def run(self, timeout: float = 300.0) -> dict[str, int]:
        self.collect(self.setup())
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
            merged, kept = market.decide_reviews(self.post, SELLER)
            if merged or kept:
                self.say(f"확인필요: a person merged {merged} pair(s) and kept {kept} apart")
            self.ways.step()
            scanned = self.scan_ready()
            self.say(self.progress_line(st) + (f" | scanned {scanned}" if scanned else ""))
            summary = self.summary(st)
            # nothing left for a person to match counts too: the matcher may resolve lines by
            # their seller SKU codes alone
            person_done = matched_by_person or st["matcher"]["unmatched"] == 0
            settled = (
                person_done
                and summary["collected"]
                == (summary["shipped"] + summary["waiting"] + summary["cancelled"])
                and self.ways.tracking_settled()
            )
            if summary != last or not settled:
                last, stable_since = summary, time.monotonic()
            elif time.monotonic() - stable_since > 3:
                self.ways.report()
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
