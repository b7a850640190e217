"""Bumped events still accept their older version, so producers and consumers upgrade apart."""

import json
import uuid

import jsonschema

from packline_contracts import (
    BundleFormed,
    DeadLettered,
    OrderMatched,
    OrderUnmatched,
    Topic,
    parse_event,
    partition_key,
    topic_for,
)
from packline_contracts.schema_files import SCHEMA_DIR
from packline_launcher.testing import bundle, collected, matched


def _as_version_1(event: BundleFormed | OrderMatched, *drop: str) -> str:
    payload = json.loads(event.model_dump_json())
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
