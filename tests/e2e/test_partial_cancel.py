"""부분취소 through the running stack (one process per service): an order with a line of 3 units
and another line is collected, allocated and numbered; 1 unit is cancelled, then 2 more, then 1
more is refused (409, naming the line and what is left) and recorded. Every accepted claim is
decided at the shipping line; the allocator releases exactly those units, the waybill's label
names what is left, the scan holds the box until it is relabelled, and the units that ship are
exactly what leaves on-hand (docs/adr/0003)."""

import shutil
import subprocess
from typing import Any

import httpx
import pytest

from packline_launcher import sample_orders
from packline_launcher.stack import Stack

from .helpers import Api, jsonl, wait_until
from .scenario import db

pytestmark = pytest.mark.e2e

SELLER = "seller-partial"
ORDER_ID = "20261201000001"
RICE, TANGERINE = "RICE-5KG", "TANGERINE-3KG"
ORDER = {
    "seller_id": SELLER,
    "marketplace": "OWN_SHOP",
    "marketplace_order_id": ORDER_ID,
    "ordered_at": "2026-12-01T09:00:00+09:00",
    "paid_at": "2026-12-01T09:01:00+09:00",
    "recipient": {
        "name": "김하은",
        "mobile": "010-2345-6789",
        "phone": "",
        "postcode": "06234",
        "address1": "서울특별시 강남구 테헤란로 152",
        "address2": "101동 1203호",
        "message": "",
    },
    "orderer_name": "김하은",
    "lines": [
        {
            "line_id": "1",
            "listing_id": "7001",
            "option_id": "70011",
            "product_name": "유기농 현미 5kg",
            "option_name": "5kg",
            "quantity": 3,
            "unit_price_krw": 32_900,
            "amount_krw": 98_700,
        },
        {
            "line_id": "2",
            "listing_id": "7002",
            "option_id": "70021",
            "product_name": "제주 감귤 3kg",
            "option_name": "로얄과",
            "quantity": 1,
            "unit_price_krw": 24_500,
            "amount_krw": 24_500,
        },
    ],
    "shipping_fee_krw": 0,
}
CANCEL_LINES = f"/orders/OWN_SHOP/{ORDER_ID}/cancel-lines?seller_id={SELLER}"


@pytest.fixture
def stack(market_stack: Stack) -> Stack:
    return market_stack  # shared with the other module (conftest)


def _stock(stack: Stack) -> dict[str, tuple[int, int]]:
    rows = db(
        stack, f"SELECT sku, on_hand, allocated FROM allocator.stock WHERE seller_id = '{SELLER}'"
    )
    return {r["sku"]: (r["on_hand"], r["allocated"]) for r in rows}


def _label(api: Api, parcel_id: str) -> str:
    answer = api.raw(
        "POST",
        "waybill",
        "/labels",
        json={"seller_id": SELLER, "by": "e2e", "parcel_ids": [parcel_id]},
    )
    assert answer.status_code == 200, answer.text[:800]
    done = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=answer.content, capture_output=True, check=True
    )
    return " ".join(done.stdout.decode().split())  # the layout's spacing is not the point


def _cancel(api: Api, units: int) -> httpx.Response:
    body = {"lines": [{"line_id": "1", "quantity": units}], "reason": "buyer"}
    return api.raw("POST", "collector", CANCEL_LINES, json=body)


def test_one_then_two_units_cancelled_a_third_claim_refused_and_stock_and_label_exact(
    stack: Stack,
) -> None:
    if shutil.which("pdftotext") is None:
        pytest.skip(
            "PARTIAL-CANCEL E2E SKIPPED: pdftotext is missing (apt-get install poppler-utils)"
        )
    api = Api(stack, SELLER)
    api.call("POST", "matcher", "/catalogue", json=sample_orders.catalogue_body(SELLER))
    for body in sample_orders.mapping_bodies(SELLER):
        api.call("POST", "matcher", "/mappings", json=body)
    items = [{"sku": RICE, "on_hand": 10}, {"sku": TANGERINE, "on_hand": 10}]
    api.call("PUT", "allocator", "/stock", json={"seller_id": SELLER, "items": items})
    assert api.call("POST", "collector", "/orders/import", content=jsonl([ORDER]))["created"] == 1

    def numbered() -> list[dict[str, Any]]:
        found = api.call("GET", "waybill", f"/waybills?status=ISSUED&seller_id={SELLER}")
        return list(found["items"])

    wait_until("the order allocated and its parcel numbered", lambda: bool(numbered()), 90)
    [parcel] = numbered()
    number, parcel_id = parcel["tracking_number"], str(parcel["parcel_id"])
    wait_until(
        "the parcel on the shipping line",
        lambda: api.raw("GET", "shipper", f"/parcels/{number}", seller=SELLER).status_code == 200,
        30,
    )
    assert _stock(stack) == {RICE: (10, 3), TANGERINE: (10, 1)}
    assert "현미 5kg 5kg × 3" in _label(api, parcel_id)

    first = _cancel(api, 1)
    assert first.status_code == 202, first.text
    assert first.json()["left"] == {"1": 2, "2": 1}
    # the shipper decides it (the box is still READY): the allocator releases that unit
    wait_until("1 unit released", lambda: _stock(stack)[RICE] == (10, 2), 30)
    wait_until("the label names 2 left", lambda: "현미 5kg 5kg × 2" in _label(api, parcel_id), 30)

    second = _cancel(api, 2)
    assert second.status_code == 202, second.text
    assert second.json()["left"] == {"1": 0, "2": 1}
    wait_until("3 units released", lambda: _stock(stack)[RICE] == (10, 0), 30)

    refused = _cancel(api, 1)
    assert refused.status_code == 409, refused.text
    assert "line 1" in refused.text and "0 of 3 left" in refused.text
    claims = db(
        stack,
        f"""SELECT outcome, lines::text AS lines FROM collector.line_cancellations
            WHERE marketplace_order_id = '{ORDER_ID}' ORDER BY id""",
    )
    assert [(c["outcome"], c["lines"]) for c in claims] == [
        ("APPLIED", '{"1": 1}'),
        ("APPLIED", '{"1": 2}'),
        ("REFUSED", '{"1": 1}'),
    ]
    assert _stock(stack) == {RICE: (10, 0), TANGERINE: (10, 1)}  # exactly 3 cancelled

    def relabelled() -> bool:
        text = _label(api, parcel_id)
        return "현미" not in text and "감귤 3kg 로얄과 × 1" in text and "재출력" in text

    wait_until("the reprinted label holds only what is left", relabelled, 30)

    scan = {"seller_id": SELLER, "tracking_numbers": [number], "scanned_by": "e2e"}
    held = api.raw("POST", "shipper", "/scan", json=scan)
    assert held.status_code == 422, held.text
    [row] = held.json()["rows"]
    assert row["code"] == "INCOMPLETE" and "POST /labels" in row["message"]
    shipped = api.call("POST", "shipper", "/scan", json={**scan, "confirm_incomplete": True})
    assert [r["code"] for r in shipped["rows"]] == ["OK"]

    wait_until(
        "the units that shipped left on-hand",
        lambda: _stock(stack) == {RICE: (10, 0), TANGERINE: (9, 0)},
        30,
    )
    assert db(stack, "SELECT * FROM allocator.reservations") == []
