"""Traces exported for real: the running stack (one process per service) exports over OTLP/HTTP
to a receiver built on the official protocol definitions, one order goes from collection to a
scan, and what arrives is decoded. The order's spans from all six services share one trace,
whose context travelled in the Kafka headers of every hop; every span names its service; no
span carries the recipient's name, phones or address. The batch span processor here waits ten
minutes between exports and holds more spans than the stack makes, so every span arrives through
the flush at shutdown. The stack is shared with test_prometheus.py (conftest.py), which runs
first; this test stops it."""

import json
from typing import Any

import pytest

from packline_contracts import Topic
from packline_launcher import sample_orders
from packline_launcher.stack import SERVICES, Stack

from ..helpers import Api, jsonl, read_topics, wait_until
from ..otlp_receiver import OtlpReceiver, ReceivedSpan

pytestmark = pytest.mark.e2e

SELLER = "seller-traces"
RECIPIENT = {
    "name": "남궁비밀",
    "mobile": "010-8642-9753",
    "phone": "051-731-2468",
    "postcode": "48094",
    "address1": "부산광역시 해운대구 추적로 731",
    "address2": "1207동 1803호",
    "message": "문 앞에 놓아주세요",
}
# each hop: the topic, the event on it, and the service that emits it
CHAIN = (
    (Topic.ORDER_COLLECTED, "OrderCollected", "collector"),
    (Topic.ORDER_MATCHED, "OrderMatched", "matcher"),
    (Topic.BUNDLE_FORMED, "BundleFormed", "bundler"),
    (Topic.STOCK_ALLOCATED, "StockAllocated", "allocator"),
    (Topic.WAYBILL_ISSUED, "WaybillIssued", "waybill"),
    (Topic.SHIPPED, "Shipped", "shipper"),
)


@pytest.fixture
def stack(observed_stack: Stack) -> Stack:
    return observed_stack


def _one_order() -> dict[str, Any]:
    [order] = sample_orders.generate(1, seller_id=SELLER, seed=31)
    return {**order, "recipient": dict(RECIPIENT), "orderer_name": RECIPIENT["name"]}


def _ship(api: Api, order: dict[str, Any]) -> None:
    api.call("POST", "matcher", "/catalogue", json=sample_orders.catalogue_body(SELLER))
    for body in sample_orders.mapping_bodies(SELLER):
        api.call("POST", "matcher", "/mappings", json=body)
    need = sample_orders.demand([order])
    items = [{"sku": sku, "on_hand": q + 5} for sku, q in need.items()]
    api.call("PUT", "allocator", "/stock", json={"seller_id": SELLER, "items": items})
    result = api.call("POST", "collector", "/orders/import", content=jsonl([order]))
    assert result["created"] == 1, result

    def ready() -> list[str]:
        parcels = api.call("GET", "shipper", "/parcels?status=READY&limit=10")["items"]
        return [p["tracking_number"] for p in parcels]

    wait_until("the order's parcel ready to scan", lambda: bool(ready()), 90)
    shipped = api.stats("collector").get("shipped", 0)  # across sellers: others' too
    scan = {"seller_id": SELLER, "tracking_numbers": ready(), "scanned_by": "e2e"}
    done = api.call("POST", "shipper", "/scan", json=scan)
    assert [r["code"] for r in done["rows"]] == ["OK"], done
    wait_until(
        "the order shipped",
        lambda: api.stats("collector").get("shipped", 0) == shipped + 1,
        60,
    )


def _hops(stack: Stack, marketplace_order_id: str) -> list[tuple[str, str, str, str]]:
    """(event type, event id, trace id, parent span id) of the order's event on each topic,
    from the Kafka record's payload and its traceparent header."""
    records = read_topics(stack.kafka_bootstrap, [t.value for t, _, _ in CHAIN], idle_seconds=3)
    payloads = [(r.topic, json.loads(r.value), dict(r.headers or ())) for r in records]
    [correlation] = [
        p["correlation_id"]
        for t, p, _ in payloads
        if t == Topic.ORDER_COLLECTED
        and p["seller_id"] == SELLER  # another test's seller may have an order of that number
        and p["order"]["marketplace_order_id"] == marketplace_order_id
    ]
    found: list[tuple[str, str, str, str]] = []
    for topic, event_type, _ in CHAIN:
        # a relay's re-send repeats an event id and its headers: one event
        mine = {
            p["event_id"]: (p, h)
            for t, p, h in payloads
            if t == topic and p["correlation_id"] == correlation
        }
        assert len(mine) == 1, f"{topic}: {len(mine)} event(s) of the order"
        [(payload, headers)] = mine.values()
        assert payload["event_type"] == event_type
        assert "traceparent" in headers, f"no trace context in the headers on {topic}"
        _, trace_id, parent_id, _ = headers["traceparent"].decode().split("-")
        found.append((event_type, payload["event_id"], trace_id, parent_id))
    return found


def test_one_order_is_one_trace_across_six_services_with_no_recipient_data(
    stack: Stack, receiver: OtlpReceiver
) -> None:
    order = _one_order()
    _ship(Api(stack, SELLER), order)
    hops = _hops(stack, order["marketplace_order_id"])
    assert receiver.spans() == [], "exported before the shutdown flush: see the fixture"
    stack.stop()  # every service flushes what it holds as it shuts down

    assert receiver.refused == []
    spans = receiver.spans()
    assert spans, "nothing reached the OTLP receiver"
    by_id = {s.span_id: s for s in spans}
    [trace_id] = {trace for _, _, trace, _ in hops}  # one trace through the headers of all six
    emitted: dict[str, ReceivedSpan] = {}
    for (event_type, event_id, _, parent_id), (_, _, service) in zip(hops, CHAIN, strict=True):
        span = by_id.get(parent_id)
        assert span is not None, f"the span in {event_type}'s headers never arrived"
        assert (span.name, span.service, span.trace_id) == (
            f"emit {event_type}",
            f"packline-{service}",
            trace_id,
        )
        assert span.attributes.get("packline.event_id") == event_id
        emitted[event_type] = span
    # each hop's span is a child of the one before: the chain is unbroken
    chain = [emitted[event_type] for _, event_type, _ in CHAIN]
    assert [s.parent_span_id for s in chain[1:]] == [s.span_id for s in chain[:-1]]
    in_trace = [s for s in spans if s.trace_id == trace_id]
    assert {s.service for s in in_trace} == {f"packline-{name}" for name in SERVICES}
    # every consuming stage's batch span links to the order's trace, under its own name
    consumed = {s.service for s in spans if trace_id in s.linked_trace_ids}
    assert consumed >= {f"packline-{name}" for name in SERVICES if name != "collector"}
    for span in spans:
        assert span.service in {f"packline-{name}" for name in SERVICES}, span
        if span.name.endswith(" consume"):
            assert span.service == f"packline-{span.name.removesuffix(' consume')}", span

    # no recipient data in any span, event, link or resource: decoded, and in the raw bodies
    secrets = [
        RECIPIENT["name"],
        RECIPIENT["mobile"],
        RECIPIENT["mobile"].replace("-", ""),
        RECIPIENT["phone"],
        RECIPIENT["phone"].replace("-", ""),
        RECIPIENT["address1"],
        RECIPIENT["address2"],
        "추적로",
    ]
    strings = list(receiver.strings())
    assert "packline-shipper" in strings  # the search reads the decoded text
    leaks = {secret for secret in secrets for s in strings if secret in s}
    leaks |= {secret for secret in secrets for b in receiver.bodies if secret.encode() in b}
    assert leaks == set(), f"recipient data exported in spans: {sorted(leaks)}"
