"""미할당주문나누기 through the running stack (one process per service), from the marketplace and
back: a Naver buyer orders three products in one order (three product orders, one recipient)
from a seller allowing partial shipment, one product's SKU with no stock. The two product
orders that fit are allocated under the bundle's id, numbered, scanned (Shipped) and pushed to
Naver with their number; the third waits in a backorder (a new bundle, split from the first)
that allocates after a receipt (POST /stock/movements), gets its own number, ships on its own
scan and is pushed with that number. What the simulated Naver recorded is the proof."""

from collections.abc import Callable
from functools import partial
from typing import Any

import pytest

from packline_launcher import demo_market as market
from packline_launcher import sample_orders
from packline_launcher.stack import Stack
from packline_marketsim.catalogue import CATALOGUE, Product
from packline_marketsim.generator import GeneratedOrder, generate

from .helpers import Api, wait_until
from .scenario import db

pytestmark = pytest.mark.e2e

SELLER = "seller-split"
SHORT = "BONE-SOUP"  # the SKU with no stock until the receipt


def _three_products(seed_from: int = 1) -> tuple[int, GeneratedOrder]:
    """A generator seed whose one Naver order holds three products, one of them the short SKU,
    each taking one SKU and no two the same (so each product order's stock is its own)."""
    for seed in range(seed_from, seed_from + 1000):
        [order] = generate(1, marketplaces=("NAVER",), seed=seed, repeat_share=0)
        skus = [sku for product, _ in order.items for sku, _ in product.skus]
        if (
            len(order.items) == 3
            and all(len(product.skus) == 1 for product, _ in order.items)
            and len(set(skus)) == 3
            and SHORT in skus
            and all(product.code != market.UNMAPPED.code for product, _ in order.items)
        ):
            return seed, order
    raise AssertionError("no seed gives a three-product Naver order with the short SKU")


@pytest.fixture
def stack(market_stack: Stack) -> Stack:
    return market_stack  # shared with the other modules (conftest)


def _caller(api: Api, market_url: str) -> Callable[..., Any]:
    """demo_market's call shape: (service, path, method=..., json=...)."""

    def call(service: str, path: str, **kw: Any) -> Any:
        method = kw.pop("method", "POST")
        if service != "marketsim":
            return api.call(method, service, path, **kw)
        response = api.http.request(method, market_url + path, **kw)
        assert response.status_code < 400, f"{method} marketsim{path}: {response.text[:800]}"
        return response.json()

    return call


def _stock(stack: Stack) -> dict[str, tuple[int, int]]:
    rows = db(
        stack, f"SELECT sku, on_hand, allocated FROM allocator.stock WHERE seller_id = '{SELLER}'"
    )
    return {r["sku"]: (r["on_hand"], r["allocated"]) for r in rows}


def _bundles(stack: Stack) -> list[Any]:
    return db(
        stack,
        f"""SELECT b.bundle_id, b.status, b.split_from,
                   array_agg(o.order_uid ORDER BY o.order_uid) AS orders
            FROM allocator.bundles b JOIN allocator.bundle_orders o USING (bundle_id)
            WHERE b.seller_id = '{SELLER}' GROUP BY b.bundle_id
            ORDER BY b.split_from IS NOT NULL, b.received_at""",
    )


def _ship(api: Api, numbers: list[str]) -> None:
    def found(number: str) -> bool:
        return api.raw("GET", "shipper", f"/parcels/{number}").status_code == 200

    def shipped(number: str) -> bool:
        return bool(api.call("GET", "shipper", f"/parcels/{number}")["status"] == "SHIPPED")

    for number in numbers:
        wait_until(f"parcel {number} on the shipping line", partial(found, number), 30)
    scan = {"seller_id": SELLER, "tracking_numbers": numbers, "scanned_by": "e2e"}
    done = api.call("POST", "shipper", "/scan", json=scan)
    assert [r["code"] for r in done["rows"]] == ["OK"] * len(numbers), done
    for number in numbers:
        wait_until(f"parcel {number} shipped", partial(shipped, number), 30)


def _naver_pushes(call: Callable[..., Any], client_id: str) -> dict[str, tuple[str, str]]:
    """What the simulated Naver recorded as accepted: product order → (number, call)."""
    return {
        r["order_id"]: (r["tracking_number"], r["call"])
        for r in call("marketsim", "/_sim/pushes", method="GET")
        if r["marketplace"] == "NAVER" and r["account"] == client_id and r["result_code"] == "OK"
    }


def test_a_short_bundle_ships_two_product_orders_and_the_third_after_a_restock(
    stack: Stack,
) -> None:
    assert stack.marketsim is not None, "the embedded default starts the simulators"
    api = Api(stack, SELLER)
    call = _caller(api, stack.marketsim.url)
    accounts = market.open_accounts(call, SELLER, stack.marketsim.url)
    naver = accounts["NAVER"]["client_id"]
    seed, order = _three_products()
    products: dict[str, tuple[Product, int]] = {p.skus[0][0]: (p, q) for p, q in order.items}
    call("matcher", "/catalogue", json=sample_orders.catalogue_body(SELLER, "e2e"))
    for body in market.mapping_bodies(SELLER, CATALOGUE, ("NAVER",), "e2e"):
        call("matcher", "/mappings", json=body)
    need = {sku: p.skus[0][1] * q for sku, (p, q) in products.items()}
    items = [{"sku": sku, "on_hand": 0 if sku == SHORT else n + 5} for sku, n in need.items()]
    api.call("PUT", "allocator", "/stock", json={"seller_id": SELLER, "items": items})
    assert api.call("PUT", "allocator", "/settings/partial", json={"allowed": True})["allowed"]

    placed = call(
        "marketsim",
        "/_sim/orders/generate",
        json={"count": 1, "naver": naver, "seed": seed, "repeat_share": 0},
    )["placed"]["NAVER"]
    assert len(placed) == 3, placed  # one product order per product
    job = market.collect(call, SELLER, lambda _: None)
    assert job["status"] == "SUCCEEDED" and job["created"] == 3, job
    uids = {f"{SELLER}:NAVER:{p}" for p in placed}

    def issued() -> dict[str, str]:
        found = api.call("GET", "waybill", f"/waybills?seller_id={SELLER}&limit=100")
        return {str(w["tracking_number"]): str(w["bundle_id"]) for w in found["items"]}

    wait_until("the part that fits numbered", lambda: bool(issued()), 90)
    first = issued()
    [(original, original_status, no_source, fits), (backorder, waits, source, left)] = [
        (r["bundle_id"], r["status"], r["split_from"], list(r["orders"])) for r in _bundles(stack)
    ]
    [short_uid] = left
    assert (original_status, no_source, set(fits) | {short_uid}) == ("ALLOCATED", None, uids)
    assert (waits, source) == ("WAITING", original)
    assert set(first.values()) == {str(original)}
    assert _stock(stack) == {sku: (0, 0) if sku == SHORT else (n + 5, n) for sku, n in need.items()}

    _ship(api, sorted(first))
    [first_number] = first
    fits_ids = {u.rsplit(":", 1)[1] for u in fits}
    wait_until(
        "both shipped product orders pushed to Naver with the first number",
        lambda: (
            {k: v for k, v in _naver_pushes(call, naver).items() if k in fits_ids}
            == {p: (first_number, "dispatch") for p in fits_ids}
        ),
        60,
    )
    short_id = short_uid.rsplit(":", 1)[1]
    assert short_id not in _naver_pushes(call, naver)  # nothing pushed for what waits

    receipt = {"reason": "RECEIPT", "items": [{"sku": SHORT, "quantity": need[SHORT]}]}
    moved = api.call("POST", "allocator", "/stock/movements", json=receipt | {"note": "입고"})
    assert moved["bundles_allocated"] == 1
    wait_until("the backorder numbered", lambda: len(issued()) > len(first), 60)
    later = {n: b for n, b in issued().items() if n not in first}
    assert set(later.values()) == {str(backorder)}
    _ship(api, sorted(later))
    [later_number] = later
    wait_until(
        "the third product order pushed with the backorder's number",
        lambda: _naver_pushes(call, naver).get(short_id) == (later_number, "dispatch"),
        60,
    )
    assert {k: v[0] for k, v in _naver_pushes(call, naver).items()} == {
        **{p: first_number for p in fits_ids},
        short_id: later_number,
    }
    wait_until(
        "every unit shipped left on-hand",
        lambda: (
            _stock(stack) == {sku: (0 if sku == SHORT else 5, 0) for sku in need}
            and [r["status"] for r in _bundles(stack)] == ["SHIPPED", "SHIPPED"]
        ),
        30,
    )
    pushes = api.call("GET", "collector", f"/tracking-pushes?limit=50&seller_id={SELLER}")
    assert {(p["marketplace_order_id"], p["state"]) for p in pushes["items"]} == {
        (p, "SENT") for p in placed
    }
