"""Cancellation events across versions: an older OrderCancelled or CancellationDecided (no\nlines) is about the whole order; a newer one names the units per line, each line once."""

import json

import jsonschema
import pytest
from pydantic import ValidationError

from packline_contracts import (
    CancellationDecided,
    CancelledLine,
    OrderCancelled,
    parse_event,
    partition_key,
)
from packline_contracts.schema_files import SCHEMA_DIR
from packline_launcher.testing import collected, matched


def test_a_version_2_order_cancelled_parses_as_cancelling_the_whole_order() -> None:
    order = matched(collected(1), {"A": 1})
    whole = OrderCancelled(
        **order.follow_up(), order=order.order, recipient_key=order.recipient_key
    )
    payload = json.loads(whole.model_dump_json(exclude={"lines"}))
    payload["schema_version"] = 2
    schema = json.loads((SCHEMA_DIR / "OrderCancelled.v2.json").read_text(encoding="utf-8"))
    jsonschema.validate(payload, schema)
    parsed = parse_event(json.dumps(payload))
    assert isinstance(parsed, OrderCancelled)
    assert (parsed.lines, parsed.is_partial) == (None, False)


def test_a_version_3_order_cancelled_names_the_units_it_takes_per_line() -> None:
    order = matched(collected(1), {"A": 1})
    partial = OrderCancelled(
        **order.follow_up(),
        order=order.order,
        recipient_key=order.recipient_key,
        lines=(CancelledLine(line_id="L1", quantity=2),),
    )
    schema = json.loads((SCHEMA_DIR / "OrderCancelled.v3.json").read_text(encoding="utf-8"))
    jsonschema.validate(json.loads(partial.model_dump_json()), schema)
    parsed = parse_event(partial.model_dump_json())
    assert parsed == partial and isinstance(parsed, OrderCancelled) and parsed.is_partial


def test_a_cancellation_naming_a_line_twice_or_no_units_is_refused() -> None:
    order = matched(collected(1), {"A": 1})
    base = {**order.follow_up(), "order": order.order, "recipient_key": order.recipient_key}
    with pytest.raises(ValidationError, match="once"):
        OrderCancelled(**base, lines=[{"line_id": "L1", "quantity": 1}] * 2)
    with pytest.raises(ValidationError):
        OrderCancelled(**base, lines=[{"line_id": "L1", "quantity": 0}])


def _decided(lines: tuple[CancelledLine, ...] | None) -> CancellationDecided:
    order = matched(collected(1), {"A": 1})
    cancel = OrderCancelled(
        **order.follow_up(), order=order.order, recipient_key=order.recipient_key, lines=lines
    )
    return CancellationDecided(
        **cancel.follow_up(),
        order=cancel.order,
        recipient_key=cancel.recipient_key,
        outcome="CANCELLED",
        lines=cancel.lines,
    )


def test_a_version_1_cancellation_decided_parses_as_deciding_the_whole_order() -> None:
    payload = json.loads(_decided(None).model_dump_json(exclude={"lines"}))
    payload["schema_version"] = 1
    schema = json.loads((SCHEMA_DIR / "CancellationDecided.v1.json").read_text(encoding="utf-8"))
    jsonschema.validate(payload, schema)
    parsed = parse_event(json.dumps(payload))
    assert isinstance(parsed, CancellationDecided)
    assert (parsed.lines, parsed.is_partial, parsed.outcome) == (None, False, "CANCELLED")


def test_a_version_2_cancellation_decided_names_the_units_it_decided() -> None:
    decided = _decided((CancelledLine(line_id="L1", quantity=2),))
    schema = json.loads((SCHEMA_DIR / "CancellationDecided.v2.json").read_text(encoding="utf-8"))
    jsonschema.validate(json.loads(decided.model_dump_json()), schema)
    parsed = parse_event(decided.model_dump_json())
    assert parsed == decided and isinstance(parsed, CancellationDecided) and parsed.is_partial
    assert partition_key(parsed) == decided.recipient_key
