"""엑셀 주문등록 rows: Excel's rounded ids and lost zeros, missing fields and unknown
marketplaces are named by row and column; multi-row orders become one order."""

from datetime import UTC, datetime
from typing import Any

from packline_collector.domain.excel_columns import map_headers
from packline_collector.domain.excel_orders import parse_rows

NOW = datetime(2026, 11, 28, 3, 0, tzinfo=UTC)
HEADER = [
    "판매처",
    "주문번호",
    "수취인명",
    "수취인 연락처",
    "우편번호",
    "주소",
    "상세주소",
    "상품명",
    "옵션",
    "수량",
    "금액",
]


def _row(**over: Any) -> list[Any]:
    values = {
        "판매처": "쿠팡",
        "주문번호": "2026112800001",
        "수취인명": "김민준",
        "수취인 연락처": "010-1234-5678",
        "우편번호": "06236",
        "주소": "서울 강남구 테헤란로 152",
        "상세주소": "12층",
        "상품명": "유기농 현미 5kg",
        "옵션": "5kg",
        "수량": 1,
        "금액": 32900,
    }
    values.update(over)
    return [values[h] for h in HEADER]


def _parse(*rows: list[Any]) -> Any:
    mapping, problems = map_headers(HEADER)
    assert not problems
    by_field = (
        (n, {f: values[i] for f, i in mapping.items()}) for n, values in enumerate(rows, start=2)
    )
    return parse_rows("s1", by_field, NOW)


def test_rounded_ids_lost_zeros_and_gaps_are_named_by_row_and_column() -> None:
    parsed = _parse(
        _row(),
        _row(주문번호="5.21853E+11"),
        _row(주문번호=521853000000.0),
        _row(주문번호="3", 판매처="티몬"),
        _row(주문번호="4", 수취인명=""),
        _row(주문번호="5", 수량="two"),
    )
    found = {(e["row"], e["column"]) for e in parsed.errors}
    assert found == {(3, "주문번호"), (4, "주문번호"), (5, "판매처"), (6, "수취인명"), (7, "수량")}
    assert "Excel rounded" in parsed.errors[0]["problem"]
    assert all("김민준" not in e["problem"] for e in parsed.errors)


def test_a_phone_and_postcode_that_lost_their_leading_zero_are_repaired_with_a_note() -> None:
    parsed = _parse(_row(**{"수취인 연락처": 1012345678, "우편번호": 6236}))
    assert not parsed.errors
    recipient = parsed.orders[0].recipient
    assert (recipient.mobile, recipient.postcode) == ("01012345678", "06236")
    assert {n["column"] for n in parsed.notes} == {"수취인 연락처", "우편번호"}


def test_rows_of_one_order_become_its_lines_and_must_share_the_recipient() -> None:
    parsed = _parse(_row(), _row(상품명="제주 감귤 3kg", 옵션="로얄과", 금액=24500))
    assert len(parsed.orders) == 1 and len(parsed.orders[0].lines) == 2
    parsed = _parse(_row(), _row(주소="부산 해운대구 센텀중앙로 79"))
    assert [(e["row"], e["column"]) for e in parsed.errors] == [(3, "주소")]


def test_missing_required_columns_are_named() -> None:
    _, problems = map_headers(["판매처", "주문번호", "상품명"])
    assert "수취인명" in problems[0] and "금액" in problems[0]


def test_values_beyond_sane_bounds_are_named_by_their_own_row_and_column() -> None:
    parsed = _parse(
        _row(),
        _row(수량=100_000, 상품명="두 번째 상품"),
        _row(주문번호="2026112800002", 금액=5_000_000_000),
        _row(주문번호="2026112800003", 수취인명="김\x00민준"),
    )
    assert not parsed.orders or len(parsed.orders) < 3
    where = {(e["row"], e["column"]) for e in parsed.errors}
    assert {(3, "수량"), (4, "금액"), (5, "수취인명")} <= where, parsed.errors
    assert "김" not in str(parsed.errors)


def test_an_amount_that_does_not_divide_by_the_quantity_still_adds_up() -> None:
    parsed = _parse(_row(수량=3, 금액=10_000))
    assert not parsed.errors
    [line] = parsed.orders[0].lines
    assert line.amount_krw <= line.quantity * line.unit_price_krw
