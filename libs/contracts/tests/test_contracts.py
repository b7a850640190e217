"""The wire format: committed schemas, envelope rules, topics and partition keys."""

import ast
import json
import sys
import uuid
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from pydantic import ValidationError

from packline_contracts import (
    ALL_EVENTS,
    CancellationDecided,
    OrderCancelled,
    OrderRef,
    Shipped,
    ShippedOrder,
    SkuLine,
    Topic,
    new_event_id,
    parse_event,
    partition_key,
    topic_for,
)
from packline_contracts.schema_files import render, schema_path

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "packline_contracts"


@pytest.mark.parametrize("model", ALL_EVENTS, ids=lambda m: m.__name__)
def test_model_matches_its_committed_schema(model: type) -> None:
    """Changing a model without bumping schema_version (and committing the new file) fails."""
    path = schema_path(model)
    assert path.exists(), f"{path.name} is not committed; run `make schemas`"
    assert json.loads(path.read_text(encoding="utf-8")) == json.loads(render(model)), (
        f"{model.__name__} drifted from {path.name}: bump schema_version and run `make schemas`"
    )


def test_event_ids_are_uuid7_and_sort_by_time() -> None:
    first, second = new_event_id(), new_event_id()
    assert first.version == 7 and second.version == 7
    assert first.variant == uuid.RFC_4122
    assert first.bytes[:6] <= second.bytes[:6]


def _cancel(**overrides: object) -> OrderCancelled:
    fields: dict[str, object] = {
        "seller_id": "s1",
        "correlation_id": uuid.uuid4(),
        "order": OrderRef(
            seller_id="s1", marketplace="COUPANG", marketplace_order_id="500000000000000001"
        ),
        "recipient_key": "0123456789abcdef0123",
    }
    fields.update(overrides)
    return OrderCancelled(**fields)  # type: ignore[arg-type]


def test_occurred_at_is_kept_in_utc() -> None:
    seoul = timezone(timedelta(hours=9))
    event = _cancel(occurred_at=datetime(2026, 11, 28, 9, 0, tzinfo=seoul))
    assert event.occurred_at == datetime(2026, 11, 28, 0, 0, tzinfo=UTC)
    assert event.occurred_at.utcoffset() == timedelta(0)


def test_naive_times_are_refused() -> None:
    with pytest.raises(ValidationError):
        _cancel(occurred_at=datetime(2026, 11, 28, 9, 0))


def test_events_are_frozen() -> None:
    event = _cancel()
    with pytest.raises(ValidationError):
        event.seller_id = "other"  # type: ignore[misc]


def test_parse_event_round_trips_and_picks_the_type() -> None:
    event = _cancel()
    parsed = parse_event(event.model_dump_json())
    assert isinstance(parsed, OrderCancelled)
    assert parsed == event


def test_parse_event_refuses_unknown_fields_and_types() -> None:
    raw = json.loads(_cancel().model_dump_json())
    with pytest.raises(ValidationError):
        parse_event(json.dumps({**raw, "surprise": 1}))
    with pytest.raises(ValidationError):
        parse_event(json.dumps({**raw, "event_type": "OrderExploded"}))
    with pytest.raises(ValidationError):
        parse_event(json.dumps({**raw, "schema_version": 99}))


def test_follow_up_keeps_tenant_and_chain() -> None:
    cause = _cancel()
    assert cause.follow_up() == {
        "seller_id": "s1",
        "correlation_id": cause.correlation_id,
        "causation_id": cause.event_id,
    }


def test_partition_keys_follow_the_design() -> None:
    cancel = _cancel()
    assert partition_key(cancel) == cancel.recipient_key
    assert topic_for(cancel) is Topic.ORDER_CANCELLED
    bundle_id = uuid.uuid4()
    shipped = Shipped(
        seller_id="s1",
        correlation_id=uuid.uuid4(),
        bundle_id=bundle_id,
        courier_code="HYUNDAI",
        tracking_number="300000000001",
        shipped_at=datetime.now(UTC),
        orders=(ShippedOrder(order=cancel.order, line_ids=("1",)),),
        stock_out=(SkuLine(sku="A", quantity=1),),
    )
    assert partition_key(shipped) == str(bundle_id)


def test_a_cancellation_decision_is_keyed_like_the_cancel_it_answers() -> None:
    cancel = _cancel()
    decided = CancellationDecided(
        **cancel.follow_up(),
        order=cancel.order,
        recipient_key=cancel.recipient_key,
        outcome="TOO_LATE",
        tracking_number="300000000001",
    )
    assert partition_key(decided) == partition_key(cancel)
    assert topic_for(decided) is Topic.CANCELLATION_DECIDED
    assert parse_event(decided.model_dump_json()) == decided
    with pytest.raises(ValidationError):
        CancellationDecided.model_validate({**decided.model_dump(), "outcome": "MAYBE"})


def test_money_is_integer_krw() -> None:
    from packline_contracts import OrderLine

    with pytest.raises(ValidationError):
        OrderLine(line_id="1", listing_id="L", quantity=1, unit_price_krw=1000.5, amount_krw=1000)  # type: ignore[arg-type]


def test_topics_are_versioned_constants() -> None:
    assert all(t.value.startswith("packline.") and t.value.endswith(".v1") for t in Topic)


def test_contracts_import_only_pydantic_and_the_standard_library() -> None:
    allowed = {"pydantic", "packline_contracts", *sys.stdlib_module_names}
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            for name in names:
                assert name.split(".")[0] in allowed, f"{path.name} imports {name}"


def test_no_string_field_of_any_event_carries_a_nul_character() -> None:
    """PostgreSQL text cannot hold NUL: an event carrying one could never be stored downstream."""
    good = OrderCancelled(
        seller_id="s1",
        correlation_id=uuid.uuid4(),
        order=OrderRef(seller_id="s1", marketplace="NAVER", marketplace_order_id="1"),
        recipient_key="k" * 16,
    )
    payload = json.loads(good.model_dump_json())
    for path in (("reason",), ("seller_id",), ("order", "marketplace_order_id")):
        bad = json.loads(json.dumps(payload))
        target = bad
        for step in path[:-1]:
            target = target[step]
        target[path[-1]] = "a\u0000b"
        for text in (json.dumps(bad), json.dumps(bad).encode()):
            with pytest.raises(ValidationError) as refused:
                parse_event(text)
            assert "NUL" in str(refused.value), path
    # a backslash then "u0000" is six characters, no NUL: parsed, and the text kept as it was
    literal = {**payload, "reason": "a\\u0000b"}
    assert parse_event(json.dumps(literal).encode()).reason == "a\\u0000b"
    shipped_line = {"order": payload["order"], "line_ids": ["1\u0000"]}
    with pytest.raises(ValidationError):
        ShippedOrder.model_validate(shipped_line)
