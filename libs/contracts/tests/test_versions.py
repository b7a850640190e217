"""Bumped events still accept their older version, so producers and consumers upgrade apart."""

import json
import uuid
from datetime import UTC, datetime
from typing import Any

import jsonschema
import pytest
from pydantic import ValidationError

from packline_contracts import (
    BundleFormed,
    DeadLettered,
    Event,
    OrderCancelled,
    OrderCollected,
    OrderMatched,
    OrderRecipientChanged,
    OrderUnmatched,
    Shipped,
    ShippedOrder,
    SkuLine,
    StockAllocated,
    Topic,
    WaybillIssued,
    parse_event,
    partition_key,
    topic_for,
)
from packline_contracts.schema_files import SCHEMA_DIR
from packline_launcher.testing import bundle, collected, matched, recipient, recipient_changed

RECIPIENT_PLACE = ("building_management_no", "road_name_address")


def _older(payload: dict[str, Any]) -> dict[str, Any]:
    """What an event written before recipients carried the marketplace's building management
    number and road-name flag looked like."""
    if isinstance(payload.get("recipient"), dict):
        for added in RECIPIENT_PLACE:
            payload["recipient"].pop(added)
    return payload


def _without_order_sellers(payload: dict[str, Any]) -> dict[str, Any]:
    """What an event written before orders named their seller looked like."""
    for holder in [payload, *payload.get("members", ()), *payload.get("orders", ())]:
        if isinstance(holder.get("order"), dict):
            holder["order"].pop("seller_id")
    return payload


def _as_version_1(event: BundleFormed | OrderMatched, *drop: str) -> str:
    payload = _older(_without_order_sellers(json.loads(event.model_dump_json())))
    for field in drop:
        payload.pop(field)
    payload["schema_version"] = 1
    return json.dumps(payload)


def test_a_version_1_bundle_formed_parses_as_revision_1_with_shared_invoices() -> None:
    v1 = _as_version_1(bundle(matched(collected(1), {"A": 1})), "revision", "separate_invoices")
    schema = json.loads((SCHEMA_DIR / "BundleFormed.v1.json").read_text(encoding="utf-8"))
    jsonschema.validate(json.loads(v1), schema)
    parsed = parse_event(v1)
    assert isinstance(parsed, BundleFormed)
    assert (parsed.schema_version, parsed.revision, parsed.separate_invoices) == (1, 1, False)


def test_a_version_1_order_matched_parses_with_an_unknown_orderer() -> None:
    v1 = _as_version_1(matched(collected(1), {"A": 1}), "orderer_name")
    parsed = parse_event(v1)
    assert isinstance(parsed, OrderMatched) and parsed.orderer_name == ""


def test_order_unmatched_is_keyed_by_recipient_like_the_order_it_withdraws() -> None:
    order = matched(collected(1), {"A": 1})
    event = OrderUnmatched(
        **order.follow_up(),
        order=order.order,
        recipient_key=order.recipient_key,
        matched_event_id=order.event_id,
        listing_id="7001",
    )
    assert partition_key(event) == order.recipient_key
    assert topic_for(event) is Topic.ORDER_UNMATCHED
    assert parse_event(event.model_dump_json()) == event
    assert isinstance(event.matched_event_id, uuid.UUID)


def test_a_version_1_dead_lettered_parses_as_an_open_letter_of_no_known_order() -> None:
    v1 = json.dumps(
        {
            "event_type": "DeadLettered",
            "schema_version": 1,
            "event_id": str(uuid.uuid4()),
            "occurred_at": "2026-11-28T01:00:00Z",
            "seller_id": "s1",
            "correlation_id": str(uuid.uuid4()),
            "consumer": "packline.matcher",
            "topic": Topic.ORDER_COLLECTED.value,
            "kafka_partition": 0,
            "kafka_offset": 7,
            "error": "PermanentError: x",
        }
    )
    schema = json.loads((SCHEMA_DIR / "DeadLettered.v1.json").read_text(encoding="utf-8"))
    jsonschema.validate(json.loads(v1), schema)
    parsed = parse_event(v1)
    assert isinstance(parsed, DeadLettered)
    assert (parsed.status, parsed.order_uids, parsed.dead_letter_id) == ("OPEN", (), 0)


def _shipped(order: OrderMatched) -> Shipped:
    return Shipped(
        **order.follow_up(),
        bundle_id=uuid.uuid4(),
        courier_code="HYUNDAI",
        tracking_number="300000000001",
        shipped_at=datetime(2026, 11, 28, 3, 0, tzinfo=UTC),
        orders=(ShippedOrder(order=order.order, line_ids=("1",)),),
        stock_out=(SkuLine(sku="A", quantity=1),),
    )


def _cancelled(order: OrderMatched) -> OrderCancelled:
    return OrderCancelled(**order.follow_up(), order=order.order, recipient_key=order.recipient_key)


def _events_naming_orders(seller: str) -> list[Event]:
    order = collected(1, seller=seller)
    one = matched(order, {"A": 1})
    return [
        order,
        one,
        bundle(one),
        _shipped(one),
        _cancelled(one),
        recipient_changed(one, recipient(name="박서연")),
    ]


# the version that first named the order's seller, per event
SELLER_ADDED_IN = {
    "OrderCollected": 2,
    "OrderMatched": 3,
    "BundleFormed": 3,
    "Shipped": 2,
    "OrderCancelled": 2,
    "OrderRecipientChanged": 2,
}


@pytest.mark.parametrize("index", range(6))
def test_an_older_event_without_order_sellers_parses_with_the_envelopes_seller(
    index: int,
) -> None:
    event = _events_naming_orders("seller-b")[index]
    payload = _older(_without_order_sellers(json.loads(event.model_dump_json())))
    payload["schema_version"] = SELLER_ADDED_IN[type(event).__name__] - 1
    if isinstance(event, Shipped):  # v3 added the parcel after v2 added the order's seller
        del payload["parcel_id"]
        payload["schema_version"] = 1
    if isinstance(event, OrderCancelled):  # v3 added lines after v2 added the order's seller
        del payload["lines"]
        payload["schema_version"] = 1
    old_schema = SCHEMA_DIR / f"{type(event).__name__}.v{payload['schema_version']}.json"
    jsonschema.validate(payload, json.loads(old_schema.read_text(encoding="utf-8")))

    parsed = parse_event(json.dumps(payload))

    assert parsed.model_dump(exclude={"schema_version"}) == event.model_dump(
        exclude={"schema_version"}
    )


@pytest.mark.parametrize("index", range(6))
def test_an_event_naming_another_sellers_order_is_refused(index: int) -> None:
    theirs = _events_naming_orders("seller-b")[index]
    payload = json.loads(theirs.model_dump_json())
    payload["seller_id"] = "seller-a"  # the envelope says seller-a, the orders seller-b

    with pytest.raises(ValidationError, match="belongs to seller 'seller-b'"):
        parse_event(json.dumps(payload))
    with pytest.raises(ValidationError, match="belongs to seller 'seller-b'"):
        type(theirs).model_validate({**theirs.model_dump(), "seller_id": "seller-a"})


def test_the_same_order_id_of_two_sellers_is_two_orders() -> None:
    a, b = collected(1, seller="seller-a"), collected(1, seller="seller-b")
    assert a.order.marketplace_order_id == b.order.marketplace_order_id
    assert a.order.uid != b.order.uid


def test_a_waybill_issued_before_parcels_is_one_parcel_of_its_bundle_from_a_band() -> None:
    one = matched(collected(1, seller="seller-b"), {"A": 1})
    formed = bundle(one)
    issued = WaybillIssued(
        **formed.follow_up(),
        bundle_id=formed.bundle_id,
        courier_code="HYUNDAI",
        tracking_number="300000000001",
        recipient=formed.recipient,
        members=formed.members,
    )
    payload = _older(json.loads(issued.model_dump_json()))
    for added in ("parcel_id", "issued_via", "pre_shipment_push"):
        del payload[added]
    payload["schema_version"] = 2
    jsonschema.validate(payload, json.loads((SCHEMA_DIR / "WaybillIssued.v2.json").read_text()))

    parsed = parse_event(json.dumps(payload))

    assert isinstance(parsed, WaybillIssued)
    assert (parsed.parcel_id, parsed.issued_via, parsed.pre_shipment_push) == (
        formed.bundle_id,
        "BAND",
        False,
    )


def test_stock_allocated_before_v3_shares_one_invoice() -> None:
    one = matched(collected(1, seller="seller-b"), {"A": 1})
    formed = bundle(one)
    allocated = StockAllocated(
        **formed.follow_up(),
        bundle_id=formed.bundle_id,
        recipient=formed.recipient,
        members=formed.members,
        allocated=(SkuLine(sku="A", quantity=1),),
        separate_invoices=True,
    )
    payload = _older(json.loads(allocated.model_dump_json(exclude={"split_from", "backorder_id"})))
    del payload["separate_invoices"]
    payload["schema_version"] = 2
    jsonschema.validate(payload, json.loads((SCHEMA_DIR / "StockAllocated.v2.json").read_text()))

    parsed = parse_event(json.dumps(payload))

    assert isinstance(parsed, StockAllocated) and parsed.separate_invoices is False


def _with_place(event: Event) -> Event:
    placed = recipient(building_management_no="1168010100107370000000001", road_name_address=True)
    return type(event).model_validate({**event.model_dump(), "recipient": placed.model_dump()})


@pytest.mark.parametrize("index", [0, 1, 2, 5])
def test_recipients_before_the_building_number_parse_without_one(index: int) -> None:
    """OrderCollected v2, OrderMatched v3, BundleFormed v3 and OrderRecipientChanged v2 had no
    building management number or road-name flag: they parse with none (and an unknown flag);
    the new versions carry both."""
    event = _with_place(_events_naming_orders("seller-b")[index])
    new_schema = SCHEMA_DIR / f"{type(event).__name__}.v{event.schema_version}.json"
    jsonschema.validate(json.loads(event.model_dump_json()), json.loads(new_schema.read_text()))
    assert parse_event(event.model_dump_json()) == event

    payload = _older(json.loads(event.model_dump_json()))
    payload["schema_version"] -= 1
    old_schema = SCHEMA_DIR / f"{type(event).__name__}.v{payload['schema_version']}.json"
    jsonschema.validate(payload, json.loads(old_schema.read_text(encoding="utf-8")))
    parsed = parse_event(json.dumps(payload))
    assert isinstance(parsed, OrderCollected | OrderMatched | BundleFormed | OrderRecipientChanged)
    assert (parsed.recipient.building_management_no, parsed.recipient.road_name_address) == (
        "",
        None,
    )


def test_a_building_number_is_digits_only() -> None:
    with pytest.raises(ValidationError):
        recipient(building_management_no="1168-0101")


def test_stock_allocated_before_v5_carries_no_split() -> None:
    formed = bundle(matched(collected(1), {"A": 1}))
    backorder = uuid.uuid4()
    allocated = StockAllocated(
        **formed.follow_up(),
        bundle_id=formed.bundle_id,
        recipient=formed.recipient,
        members=formed.members,
        allocated=(SkuLine(sku="A", quantity=1),),
        backorder_id=backorder,
    )
    assert allocated.schema_version == 5 and allocated.split_from is None
    assert parse_event(allocated.model_dump_json()) == allocated
    payload = json.loads(allocated.model_dump_json(exclude={"split_from", "backorder_id"}))
    payload["schema_version"] = 4
    jsonschema.validate(payload, json.loads((SCHEMA_DIR / "StockAllocated.v4.json").read_text()))
    parsed = parse_event(json.dumps(payload))
    assert isinstance(parsed, StockAllocated)
    assert (parsed.split_from, parsed.backorder_id) == (None, None)
