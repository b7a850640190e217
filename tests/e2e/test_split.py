"""미할당주문나누기 through the running stack (one process per service): a seller allowing partial
shipment gets a bundle of three orders to one recipient, one needing a SKU with no stock. The
two that fit are allocated under the bundle's id, numbered and scanned (Shipped); the third
waits in a backorder (a new bundle, split from the first) that allocates after a receipt
(POST /stock/movements), gets its own number and ships on its own scan."""

from functools import partial
from typing import Any

import pytest

from packline_launcher import sample_orders
from packline_launcher.stack import Stack

from .helpers import Api, jsonl, wait_until
from .scenario import db

pytestmark = pytest.mark.e2e

SELLER = "seller-split"
RICE, TANGERINE, SOUP = "RICE-5KG", "TANGERINE-3KG", "BONE-SOUP"
RECIPIENT = {
    "name": "박서준",
    "mobile": "010-3456-7890",
    "phone": "",
    "postcode": "04524",
    "address1": "서울특별시 중구 세종대로 110",
    "address2": "3층",
    "message": "",
}
LISTINGS = [("7001", "70011", 32_900), ("7007", "70071", 39_000), ("7002", "70021", 24_500)]


def _order(number: int, listing: str, option: str, price: int) -> dict[str, Any]:
    return {
        "seller_id": SELLER,
        "marketplace": "OWN_SHOP",
        "marketplace_order_id": f"2026120100010{number}",
        "ordered_at": "2026-12-01T09:00:00+09:00",
        "paid_at": f"2026-12-01T09:0{number}:00+09:00",
        "recipient": RECIPIENT,
        "orderer_name": RECIPIENT["name"],
        "lines": [
            {
                "line_id": "1",
                "listing_id": listing,
                "option_id": option,
                "product_name": sample_orders.find_listing(listing, option).product_name,
                "option_name": sample_orders.find_listing(listing, option).option_name,
                "quantity": 1,
                "unit_price_krw": price,
                "amount_krw": price,
            }
        ],
        "shipping_fee_krw": 0,
    }


@pytest.fixture
def stack(market_stack: Stack) -> Stack:
    return market_stack  # shared with the other modules (conftest)


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


def test_a_short_bundle_ships_two_orders_and_the_third_after_a_restock(stack: Stack) -> None:
    api = Api(stack, SELLER)
    api.call("POST", "matcher", "/catalogue", json=sample_orders.catalogue_body(SELLER))
    for body in sample_orders.mapping_bodies(SELLER, marketplaces=["OWN_SHOP"]):
        api.call("POST", "matcher", "/mappings", json=body)
    items = [
        {"sku": RICE, "on_hand": 10},
        {"sku": TANGERINE, "on_hand": 10},
        {"sku": SOUP, "on_hand": 0},
    ]
    api.call("PUT", "allocator", "/stock", json={"seller_id": SELLER, "items": items})
    setting = api.call("PUT", "allocator", "/settings/partial", json={"allowed": True})
    assert setting["allowed"] is True
    orders = [_order(n, *listing) for n, listing in enumerate(LISTINGS, 1)]
    assert api.call("POST", "collector", "/orders/import", content=jsonl(orders))["created"] == 3
    rice, soup, tangerine = (f"{SELLER}:OWN_SHOP:{o['marketplace_order_id']}" for o in orders)

    def issued() -> dict[str, str]:
        found = api.call("GET", "waybill", f"/waybills?seller_id={SELLER}&limit=100")
        return {str(w["tracking_number"]): str(w["bundle_id"]) for w in found["items"]}

    wait_until("the part that fits numbered", lambda: bool(issued()), 90)
    first = issued()
    [(original, original_status, no_source, shipped_orders), (backorder, waits, source, left)] = [
        (r["bundle_id"], r["status"], r["split_from"], list(r["orders"])) for r in _bundles(stack)
    ]
    assert (original_status, no_source, sorted(shipped_orders)) == (
        "ALLOCATED",
        None,
        sorted([rice, tangerine]),
    )
    assert (waits, source, left) == ("WAITING", original, [soup])
    assert set(first.values()) == {str(original)}
    assert _stock(stack) == {RICE: (10, 1), TANGERINE: (10, 1), SOUP: (0, 0)}

    _ship(api, sorted(first))
    wait_until(
        "the shipped part left on-hand",
        lambda: _stock(stack) == {RICE: (9, 0), TANGERINE: (9, 0), SOUP: (0, 0)},
        30,
    )

    receipt = {"reason": "RECEIPT", "items": [{"sku": SOUP, "quantity": 1}], "note": "입고"}
    moved = api.call("POST", "allocator", "/stock/movements", json=receipt)
    assert moved["bundles_allocated"] == 1
    wait_until("the backorder numbered", lambda: len(issued()) > len(first), 60)
    later = {n: b for n, b in issued().items() if n not in first}
    assert set(later.values()) == {str(backorder)}
    _ship(api, sorted(later))
    wait_until(
        "the backorder's unit left on-hand",
        lambda: (
            _stock(stack) == {RICE: (9, 0), TANGERINE: (9, 0), SOUP: (0, 0)}
            and [r["status"] for r in _bundles(stack)] == ["SHIPPED", "SHIPPED"]
        ),
        30,
    )
