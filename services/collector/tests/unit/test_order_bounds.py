"""Ranges are checked where an order enters (API, JSON lines, Excel, marketplace mapping):
each bad value is refused naming its field, and the value itself is never echoed."""

import copy
from typing import Any

import pytest
from pydantic import ValidationError

from packline_collector.domain.orders import NewOrder
from packline_collector.domain.text_rules import error_loc
from packline_collector.entrypoints.http import parse_jsonl

BASE: dict[str, Any] = {
    "seller_id": "s1",
    "marketplace": "NAVER",
    "marketplace_order_id": "2026112812345678",
    "ordered_at": "2026-11-28T09:00:00",
    "paid_at": "2026-11-28T09:05:00+09:00",
    "recipient": {
        "name": "이서연",
        "phone": "02-555-0101",
        "mobile": "0502-1234-5678",
        "address1": "부산 해운대구 센텀중앙로 1",
    },
    "lines": [
        {
            "line_id": "1",
            "listing_id": "L",
            "quantity": 2,
            "unit_price_krw": 9900,
            "amount_krw": 18000,
        }
    ],
}


def _with(path: str, value: Any) -> dict[str, Any]:
    order = copy.deepcopy(BASE)
    *parents, last = path.split(".")
    target: Any = order
    for part in parents:
        target = target[int(part)] if part.isdigit() else target[part]
    target[last] = value
    return order


def _refused_fields(order: dict[str, Any]) -> set[str]:
    with pytest.raises(ValidationError) as caught:
        NewOrder.model_validate(order)
    return {".".join(str(p) for p in error_loc(e)) for e in caught.value.errors()}


def test_a_sane_order_with_masked_and_safe_numbers_is_accepted() -> None:
    NewOrder.model_validate(BASE)
    NewOrder.model_validate(_with("recipient.mobile", "010-****-3333"))


@pytest.mark.parametrize(
    ("path", "value"),
    [
        ("recipient.mobile", "call me maybe"),
        ("recipient.phone", "12"),
        ("recipient.phone", "010-1234-5678-9999-0000"),
        ("lines.0.quantity", 100_000),
        ("lines.0.unit_price_krw", 10**12),
        ("lines.0.amount_krw", 2**63),
        ("shipping_fee_krw", 10**9),
        ("marketplace_order_id", "   "),
        ("seller_id", "   "),
        ("lines.0.line_id", " "),
        ("lines.0.listing_id", "\t"),
        ("ordered_at", "1999-12-31T23:00:00+09:00"),
        ("paid_at", "0329-09-12T12:09:16Z"),
        ("recipient.name", "이서\x00연"),
        ("recipient.address2", "101동\x00"),
        ("lines.0.product_name", "a\x00b"),
        ("orderer_name", "\x00"),
    ],
)
def test_a_value_out_of_range_is_refused_naming_its_field(path: str, value: Any) -> None:
    assert path in _refused_fields(_with(path, value))


def test_a_line_paid_more_than_its_quantity_times_price_does_not_add_up() -> None:
    fields = _refused_fields(_with("lines.0.amount_krw", 9900 * 2 + 1))
    assert "lines.0" in fields


def test_jsonl_errors_for_a_nul_byte_name_the_field_not_the_value() -> None:
    import json

    line = json.dumps(_with("recipient.name", "비밀\x00이름"))
    _, errors = parse_jsonl(line)
    assert errors and errors[0]["line"] == 1
    assert any(e.startswith("recipient.name") for e in errors[0]["errors"])
    assert "비밀" not in json.dumps(errors, ensure_ascii=False)


def test_an_order_repeated_inside_one_import_is_reported_on_its_line() -> None:
    import json

    other = _with("marketplace_order_id", "2026112899999999")
    text = "\n".join(json.dumps(o) for o in (BASE, other, BASE))
    _, errors = parse_jsonl(text)
    assert [e["line"] for e in errors] == [3]
    assert "line 1" in errors[0]["errors"][0]
