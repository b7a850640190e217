"""Orders as they arrive: Seoul times, ids as text, duplicate lines refused."""

from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from packline_collector.domain.orders import NewOrder
from packline_collector.entrypoints.http import parse_jsonl

BASE = {
    "seller_id": "s1",
    "marketplace": "NAVER",
    "marketplace_order_id": "2026112812345678",
    "ordered_at": "2026-11-28T09:00:00",
    "paid_at": "2026-11-28T09:05:00+09:00",
    "recipient": {
        "name": "이서연",
        "mobile": "010-2222-3333",
        "address1": "부산 해운대구 센텀중앙로 1",
    },
    "lines": [
        {
            "line_id": "1",
            "listing_id": "L",
            "quantity": 1,
            "unit_price_krw": 9900,
            "amount_krw": 9900,
        }
    ],
}


def test_naive_times_are_read_as_seoul_and_kept_in_utc() -> None:
    order = NewOrder.model_validate(BASE)
    assert order.ordered_at == datetime(2026, 11, 28, 0, 0, tzinfo=UTC)
    assert order.paid_at == datetime(2026, 11, 28, 0, 5, tzinfo=UTC)


def test_excel_rounded_ids_are_refused() -> None:
    with pytest.raises(ValidationError, match="Excel"):
        NewOrder.model_validate({**BASE, "marketplace_order_id": "5.21853E+11"})


def test_duplicate_line_ids_are_refused() -> None:
    with pytest.raises(ValidationError, match="unique"):
        NewOrder.model_validate({**BASE, "lines": BASE["lines"] * 2})


def test_collected_event_carries_a_recipient_key_and_starts_its_chain() -> None:
    event = NewOrder.model_validate(BASE).collected("MANUAL")
    assert event.correlation_id == event.event_id and event.causation_id is None
    assert len(event.recipient_key) == 32


def test_jsonl_errors_name_line_and_field_and_never_echo_values() -> None:
    import json

    bad_phone_line = json.dumps({**BASE, "marketplace": "TMON"})
    text = "\n".join([json.dumps(BASE), "{broken", bad_phone_line])
    orders, errors = parse_jsonl(text)
    assert len(orders) == 1
    assert [e["line"] for e in errors] == [2, 3]
    assert "not JSON" in errors[0]["errors"][0]
    assert errors[1]["errors"][0].startswith("marketplace:")
    assert "이서연" not in json.dumps(errors, ensure_ascii=False)


@pytest.mark.parametrize(
    ("where", "char"),
    [("lines.0.product_name", "\x1b"), ("orderer_name", "\x85"), ("recipient.address2", "\x00")],
)
def test_control_characters_are_refused_naming_the_field(where: str, char: str) -> None:
    body = {**BASE, "recipient": dict(BASE["recipient"]), "lines": [dict(BASE["lines"][0])]}  # type: ignore[call-overload]
    *parents, leaf = where.split(".")
    target: object = body
    for step in parents:
        target = target[int(step)] if step.isdigit() else target[step]  # type: ignore[index]
    target[leaf] = f"a{char}b"  # type: ignore[index]
    with pytest.raises(ValidationError) as refused:
        NewOrder.model_validate(body)
    error = refused.value.errors()[0]
    assert error["type"] == "control_character"
    assert error.get("ctx", {})["field"] == where
    orders, errors = parse_jsonl(__import__("json").dumps(body))
    assert not orders and where in errors[0]["errors"][0]


def test_a_delivery_message_keeps_its_line_breaks() -> None:
    body = {**BASE, "recipient": {**BASE["recipient"], "message": "문 앞\r\n\t벨 누르지 마세요"}}  # type: ignore[dict-item]
    assert "\n" in NewOrder.model_validate(body).recipient.message


def test_line_breaks_in_a_single_line_field_fold_into_one_space() -> None:
    """Excel's Alt+Enter in an address cell, or a marketplace's multi-line address, is not an
    error: the order is kept with the break folded."""
    recipient = {**BASE["recipient"], "address2": "101동\r\n\t 202호"}  # type: ignore[dict-item]
    order = NewOrder.model_validate({**BASE, "recipient": recipient})
    assert order.recipient.address2 == "101동 202호"
