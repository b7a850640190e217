"""The marketplace loop's hands on a running stack: a seller's accounts and orders on the
simulated Coupang and Naver, collected through the collector's API, and what the test reads
back from the shipper, the collector, the broker and the simulator."""

import json
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

from packline_contracts import Topic
from packline_launcher import demo_market as market
from packline_launcher import sample_orders
from packline_launcher.stack import Stack
from packline_marketsim.catalogue import CATALOGUE

from .helpers import Api, read_topic

SELLER = "seller-loop"
ORDERS = 40
KST = timezone(timedelta(hours=9))
STACK_ENV = {
    "PACKLINE_BUNDLE_HOLD_SECONDS": "2",
    # no automatic collection or mismatch check during the test: the collector hears of the
    # buyer's cancellation only through the tracking push, and of mismatches only on demand
    "PACKLINE_COLLECT_TICK_SECONDS": "86400",
    "PACKLINE_MISMATCH_CHECK_SECONDS": "86400",
    "PACKLINE_PUSH_TICK_SECONDS": "0.5",
    "PACKLINE_MARKETPLACE_BACKOFF_SECONDS": "0.1",
}
# one 5xx and one 429 on each marketplace's push, on its first two calls
FAULTS = [
    {"action": "server_error", "marketplace": "COUPANG", "operation": "invoices"},
    {"action": "rate_limit", "marketplace": "COUPANG", "operation": "invoices", "skip": 1},
    {"action": "server_error", "marketplace": "NAVER", "operation": "dispatch", "status": 502},
    {"action": "rate_limit", "marketplace": "NAVER", "operation": "dispatch", "skip": 1},
]
STAGES = ("collector", "matcher", "bundler", "allocator", "waybill", "shipper")

Line = tuple[str, str]  # (order uid, line id)


def uid(marketplace: str, order_id: str) -> str:
    return f"{SELLER}:{marketplace}:{order_id}"


def kst_day(at: datetime | None = None) -> date:
    return (at or datetime.now(UTC)).astimezone(KST).date()


class Loop:
    def __init__(self, stack: Stack) -> None:
        assert stack.marketsim is not None, "the embedded default starts the simulators"
        self.stack = stack
        self.api = Api(stack, SELLER)
        self.market_url = stack.marketsim.url
        self.accounts: dict[str, dict[str, str]] = {}

    def call(self, service: str, path: str, **kw: Any) -> Any:
        """demo_market's call shape: (service, path, method=..., json=...)."""
        method = kw.pop("method", "POST")
        if service != "marketsim":
            return self.api.call(method, service, path, **kw)
        response = self.api.http.request(method, self.market_url + path, **kw)
        assert response.status_code < 400, f"{method} marketsim{path}: {response.text[:800]}"
        return response.json()

    def set_up(self) -> set[str]:
        """Accounts on the simulated marketplaces, orders placed there, mappings and stock;
        the pushes' faults scripted; one collection through the collector's API. Returns the
        uids of the orders placed."""
        self.accounts = market.open_accounts(self.call, SELLER, self.market_url)
        seeded = market.seed_orders(self.call, self.accounts, ORDERS)
        self.call("matcher", "/catalogue", json=sample_orders.catalogue_body(SELLER, "e2e"))
        for body in market.mapping_bodies(SELLER, CATALOGUE, market.MARKETPLACES, "e2e"):
            self.call("matcher", "/mappings", json=body)
        stock = [{"sku": s, "on_hand": q + 10} for s, q in seeded["demand"].items()]
        self.call("allocator", "/stock", method="PUT", json={"seller_id": SELLER, "items": stock})
        armed = self.call(
            "marketsim", "/_sim/script", json={"rules": [f | {"retry_after": 0} for f in FAULTS]}
        )
        assert armed == {"pending": len(FAULTS)}
        job = market.collect(self.call, SELLER, lambda _: None)
        placed = {uid(m, i) for m, ids in seeded["placed"].items() for i in ids}
        assert job["status"] == "SUCCEEDED" and job["created"] == len(placed), job
        return placed

    def stats(self) -> dict[str, Any]:
        return {s: self.api.stats(s) for s in STAGES}

    def sim(self, action: str, order: str, **kw: Any) -> Any:
        """A buyer's or the seller centre's action on the marketplace order `order` (a uid)."""
        _, marketplace, order_id = order.split(":")
        key = "vendor_id" if marketplace == "COUPANG" else "client_id"
        account = self.accounts[marketplace][key]
        path = f"/_sim/orders/{marketplace}/{account}/{order_id}/{action}"
        return self.call("marketsim", path, **kw)

    def order(self, order: str) -> dict[str, Any]:
        _, marketplace, order_id = order.split(":")
        path = f"/orders/{marketplace}/{order_id}?seller_id={SELLER}"
        return dict(self.api.call("GET", "collector", path))

    def cancel(self, order: str) -> Any:
        """취소 through the collector's API, as a person at the console would."""
        _, marketplace, order_id = order.split(":")
        path = f"/orders/{marketplace}/{order_id}/cancel?seller_id={SELLER}"
        return self.api.call("POST", "collector", path, json={"reason": "e2e"})

    def parcels(self, status: str) -> dict[str, list[str]]:
        """Tracking number → the order uids in it, for the shipper's parcels in `status`."""
        listed = self.api.call("GET", "shipper", f"/parcels?status={status}&limit=500")["items"]
        return {p["tracking_number"]: self.members(p["tracking_number"]) for p in listed}

    def members(self, number: str) -> list[str]:
        return [m["order"] for m in self.parcel(number)["members"]]

    def parcel(self, number: str) -> dict[str, Any]:
        return dict(self.api.call("GET", "shipper", f"/parcels/{number}"))

    def scan(self, numbers: list[str]) -> Any:
        return self.api.raw(
            "POST",
            "shipper",
            "/scan",
            json={"seller_id": SELLER, "tracking_numbers": numbers, "scanned_by": "e2e-loop"},
        )

    def shipped_lines(self) -> dict[Line, str]:
        """Every line of every Shipped event on the broker, with its parcel's number."""
        found: dict[Line, str] = {}
        for record in read_topic(self.stack.kafka_bootstrap, Topic.SHIPPED, idle_seconds=2):
            event = json.loads(record.value)
            for o in event["orders"]:
                ref = o["order"]
                for line_id in o["line_ids"]:
                    key = (uid(ref["marketplace"], ref["marketplace_order_id"]), line_id)
                    found[key] = event["tracking_number"]
        return found

    def collector(self, path: str) -> Any:
        sep = "&" if "?" in path else "?"
        return self.api.call("GET", "collector", f"{path}{sep}seller_id={SELLER}")

    def pushes(self) -> dict[Line, dict[str, Any]]:
        """The collector's push state per line (송장 전송 상태)."""
        return {
            (uid(p["marketplace"], p["marketplace_order_id"]), p["line_id"]): p
            for p in self.collector("/tracking-pushes?limit=500")["items"]
        }

    def recorded(self) -> list[dict[str, Any]]:
        """What the simulated marketplaces recorded per pushed line and call."""
        return list(self.call("marketsim", "/_sim/pushes", method="GET"))

    def push_calls(self) -> list[dict[str, Any]]:
        calls = self.call("marketsim", "/_sim/calls", method="GET")
        return [c for c in calls if c["operation"] in ("invoices", "dispatch")]
