"""Null-ridden payloads against the marketplace simulator over real HTTP: every field the docs
mark optional may come null or not at all, and the order is still collected whole; a required
field missing is a problem named for its order, and the rest of the page is collected."""

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from packline_collector.adapters.coupang_client import CoupangClient
from packline_collector.adapters.coupang_gateway import CoupangGateway
from packline_collector.adapters.http_retry import RetryPolicy
from packline_collector.adapters.naver_client import NaverClient
from packline_collector.adapters.naver_gateway import NaverGateway
from packline_collector.domain.remote import Fetched
from packline_marketsim import coupang_render, naver_state
from packline_marketsim.generator import generate
from packline_marketsim.server import RunningSimulator, running
from packline_marketsim.state import Simulator

FAST = RetryPolicy(attempts=3, base_delay=0.05, max_delay=1.0)


@pytest.fixture
async def sparse_market() -> AsyncIterator[RunningSimulator]:
    """Every order rendered with its optional fields null or missing."""
    async with running(Simulator(seed=11, null_share=1.0)) as server:
        yield server


async def _nothing(_: int) -> None:
    return None


def _seed(sim: Simulator, count: int) -> tuple[str, str]:
    coupang, naver = sim.add_coupang(), sim.add_naver()
    for order in generate(count, seed=count, spacing=timedelta(seconds=15)):
        sim.place(order, coupang.vendor_id if order.marketplace == "COUPANG" else naver.client_id)
    return coupang.vendor_id, naver.client_id


async def _fetch(market: RunningSimulator, vendor_id: str, client_id: str) -> list[Fetched]:
    now = datetime.now(UTC)
    async with httpx.AsyncClient(timeout=10) as http:
        coupang = market.sim.coupang[vendor_id]
        c = CoupangClient(
            http, market.url, vendor_id, coupang.access_key, coupang.secret_key, "coupang", FAST
        )
        naver = market.sim.naver[client_id]
        n = NaverClient(http, market.url, client_id, naver.client_secret, "naver", FAST)
        return [
            await CoupangGateway(c, "s1").fetch(now - timedelta(hours=12), now, _nothing),
            await NaverGateway(n, "s1").fetch(now - timedelta(hours=12), now, _nothing),
        ]


async def test_a_page_with_nulls_everywhere_optional_is_collected_whole(
    sparse_market: RunningSimulator,
) -> None:
    vendor_id, client_id = _seed(sparse_market.sim, 40)
    boxes = sparse_market.sim.boxes[vendor_id]
    pos = sparse_market.sim.product_orders[client_id]
    # what the simulator serves really is null-ridden
    shown = coupang_render.render(next(iter(boxes.values())), 5)
    assert shown.get("parcelPrintMessage") is None and shown["receiver"].get("addr2") is None
    coupang, naver = await _fetch(sparse_market, vendor_id, client_id)
    assert coupang.problems == [] and naver.problems == []
    assert len(coupang.orders) == len(boxes) and len(naver.orders) == len(pos)
    for box in boxes.values():
        order = coupang.orders[f"s1:COUPANG:{box.shipment_box_id}"].order
        assert order is not None
        assert order.shipping_fee_krw == box.shipping_price
        assert order.recipient.address2 == "" and order.recipient.message == ""
        assert [(li.quantity, li.amount_krw, li.seller_sku_code) for li in order.lines] == [
            (i.shipping_count, i.sales_price * i.shipping_count, "") for i in box.items
        ]
    for po in pos.values():
        order = naver.orders[f"s1:NAVER:{po.product_order_id}"].order
        assert order is not None and order.shipping_fee_krw == po.delivery_fee
        assert order.recipient.address2 == "" and order.recipient.phone == ""
        assert order.lines[0].quantity == po.quantity


async def test_a_required_field_missing_is_a_problem_for_its_order_and_the_rest_is_collected(
    sparse_market: RunningSimulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    vendor_id, client_id = _seed(sparse_market.sim, 12)
    box_id = min(sparse_market.sim.boxes[vendor_id])
    po_id = min(sparse_market.sim.product_orders[client_id])
    real_box, real_po = coupang_render.render, naver_state.render

    def box_without_price(box: object, version: int, malformed: bool = False) -> dict[str, object]:
        row = real_box(box, version, malformed)  # type: ignore[arg-type]
        if row["shipmentBoxId"] == box_id:
            row["orderItems"][0]["salesPrice"] = None  # type: ignore[index]
        return row

    def po_without_quantity(po: object, malformed: bool = False) -> dict[str, object]:
        row = real_po(po, malformed)  # type: ignore[arg-type]
        if row["productOrder"]["productOrderId"] == po_id:  # type: ignore[index]
            row["productOrder"].pop("quantity")  # type: ignore[attr-defined]
        return row

    # the simulator serves one box without its price and one product order without quantity
    monkeypatch.setattr(coupang_render, "render", box_without_price)
    monkeypatch.setattr(naver_state, "render", po_without_quantity)
    coupang, naver = await _fetch(sparse_market, vendor_id, client_id)
    assert coupang.problems == [f"coupang: box {box_id}: orderItems[0].salesPrice is missing"]
    assert naver.problems == [f"naver: product order {po_id}: quantity is missing"]
    assert len(coupang.orders) == len(sparse_market.sim.boxes[vendor_id]) - 1
    assert len(naver.orders) == len(sparse_market.sim.product_orders[client_id]) - 1
