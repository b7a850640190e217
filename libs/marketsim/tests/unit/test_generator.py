"""Generated orders look like Korean marketplace data: same buildings written two ways, old and
new postcodes, per-order safe numbers, repeat buyers on both marketplaces, masked orderers."""

from collections import Counter

from packline_marketsim.coupang_render import render as render_box
from packline_marketsim.generator import generate
from packline_marketsim.naver_state import render as render_po
from packline_marketsim.state import Simulator


def _seeded(count: int = 400) -> Simulator:
    sim = Simulator(seed=3)
    coupang, naver = sim.add_coupang(), sim.add_naver()
    for order in generate(count, seed=5):
        sim.place(order, coupang.vendor_id if order.marketplace == "COUPANG" else naver.client_id)
    return sim


def test_buyers_come_back_on_both_marketplaces_with_the_building_written_two_ways() -> None:
    orders = generate(400, seed=5)
    by_buyer: dict[str, set[str]] = {}
    forms: dict[str, set[bool]] = {}
    for o in orders:
        by_buyer.setdefault(o.buyer.mobile, set()).add(o.marketplace)
        forms.setdefault(o.buyer.mobile, set()).add(o.road_address)
    assert any(m == {"COUPANG", "NAVER"} for m in by_buyer.values())
    assert any(f == {True, False} for f in forms.values())
    assert any(len(o.items) > 1 for o in orders)


def test_coupang_boxes_carry_safe_numbers_old_postcodes_and_masked_orderers() -> None:
    sim = _seeded()
    boxes = [render_box(b, 4) for boxes in sim.boxes.values() for b in boxes.values()]
    safe = Counter(b["receiver"]["safeNumber"] for b in boxes)
    assert all(n.startswith("050") for n in safe) and max(safe.values()) == 1
    postcodes = {b["receiver"]["postCode"] for b in boxes}
    assert any("-" in p and len(p) == 7 for p in postcodes) and any(len(p) == 5 for p in postcodes)
    assert any("*" in b["orderer"]["name"] for b in boxes)
    assert all(len(str(b["shipmentBoxId"])) == 18 for b in boxes)
    assert all(isinstance(b["orderItems"][0]["salesPrice"], int) for b in boxes)


def test_naver_orders_share_one_order_id_per_payment_and_say_road_or_lot() -> None:
    sim = _seeded()
    rows = [render_po(po) for pos in sim.product_orders.values() for po in pos.values()]
    per_order = Counter(r["order"]["orderId"] for r in rows)
    assert max(per_order.values()) > 1
    kinds = {r["productOrder"]["shippingAddress"].get("isRoadNameAddress") for r in rows}
    assert kinds >= {True, False}  # and null or missing on the sparse share
    assert all(len(r["productOrder"]["shippingAddress"]["zipCode"]) == 5 for r in rows)


def test_a_seeded_share_of_orders_comes_with_optional_fields_null_or_missing() -> None:
    sim = _seeded()
    boxes = [b for boxes in sim.boxes.values() for b in boxes.values()]
    pos = [po for pos in sim.product_orders.values() for po in pos.values()]
    sparse = [b for b in boxes if b.sparse] + [p for p in pos if p.sparse]
    assert 0 < len(sparse) < len(boxes) + len(pos)
    again = _seeded()  # the same seed chooses the same orders
    assert {b.shipment_box_id for b in boxes if b.sparse} == {
        b.shipment_box_id for bs in again.boxes.values() for b in bs.values() if b.sparse
    }
    box = next(b for b in boxes if b.sparse)
    row = render_box(box, 5)
    assert row == render_box(box, 5)  # a re-read looks the same
    assert row.get("parcelPrintMessage") is None and row["receiver"].get("addr2") is None
    assert all(i.get("externalVendorSkuCode") is None for i in row["orderItems"])
    assert row["receiver"]["addr1"] and row["orderItems"][0]["shippingCount"] >= 1
    po = render_po(next(p for p in pos if p.sparse))
    address = po["productOrder"]["shippingAddress"]
    assert address.get("tel2") is None and address.get("detailedAddress") is None
    assert po["productOrder"].get("shippingMemo") is None and address["baseAddress"]
