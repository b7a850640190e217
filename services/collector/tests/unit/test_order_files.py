"""Which source an order file is, by its header row: each marketplace's file (extra and
reordered columns, a notice row above, headers written with other spacing or full-width
characters), missing required headers named, an unknown file refused with each source's list;
and rows into orders with the API adapters' ids, cancelled rows skipped with a reason."""

from datetime import UTC, datetime
from typing import Any

import pytest

from packline_collector.domain.excel_orders import Parsed, parse_rows
from packline_collector.domain.order_file_rows import SOURCES, rows_as_template
from packline_collector.domain.order_files import NotRecognised, normalised, recognise
from packline_collector.domain.order_template import TEMPLATE_SOURCE

ALL = (*SOURCES, TEMPLATE_SOURCE)
COUPANG = {
    "묶음배송번호": "642538970006400002",
    "주문번호": "20000006400002",
    "옵션ID": "700512345011",
    "업체상품 아이디": "13257461",
    "노출상품ID": "7013257461",
    "등록상품명": "유기농 현미",
    "등록옵션명": "5kg",
    "구매수(수량)": 2,
    "결제액": 30000,
    "수취인이름": "김민준",
    "수취인전화번호": "0502-1234-5678",
    "수취인 주소": "서울특별시 강남구 테헤란로 1 12층",
    "우편번호": "06236",
    "취소수량": 0,
}
NAVER = {
    "상품주문번호": "2026112800000002",
    "주문번호": "2026112800000001",
    "상품번호": "8812345674",
    "상품명": "제주 감귤",
    "옵션정보": "3kg",
    "수량": 1,
    "최종 상품별 총 주문금액": 15800,
    "수취인명": "이서연",
    "수취인연락처1": "010-2222-3333",
    "기본배송지": "부산 해운대구 센텀로 1",
    "상세배송지": "101동 202호",
    "우편번호": "48059",
    "주문상태": "결제완료",
}
ELEVENST = {
    "배송번호": "300000001",
    "주문번호": "202611280001",
    "주문순번": "1",
    "상품번호": "5500001",
    "상품명": "현미",
    "옵션": "5kg",
    "수량": 1,
    "결제금액": 9000,
    "수취인": "박지훈",
    "휴대폰번호": "010-3333-4444",
    "주소": "대전 유성구 대학로 1",
    "주문상태": "결제완료",
}


def _grid(*rows: dict[str, Any], notice: bool = False, order: list[str] | None = None) -> Any:
    header = order or list(rows[0])
    grid: list[tuple[int, list[Any]]] = (
        [(1, ["다운로드한 파일을 안전하게 관리하세요"])] if notice else []
    )
    grid.append((len(grid) + 1, list(header)))
    for row in rows:
        grid.append((len(grid) + 1, [row.get(h) for h in header]))
    return grid


def _orders(grid: Any) -> tuple[Parsed, list[dict[str, Any]], str]:
    found = recognise(grid, ALL)
    parsed, skipped = Parsed(), list[dict[str, Any]]()
    rows = rows_as_template(found, grid, parsed, skipped)
    return parse_rows("s1", rows, datetime.now(UTC), parsed), skipped, found.source.key


@pytest.mark.parametrize(
    ("row", "key"),
    [(COUPANG, "COUPANG_WING"), (NAVER, "NAVER_SMARTSTORE"), (ELEVENST, "ELEVENST")],
)
def test_each_source_is_known_with_extra_and_reordered_columns_and_a_notice_row(
    row: dict[str, Any], key: str
) -> None:
    extra = {"사은품": "", **row, "정산예정금액": 1}
    header = list(reversed(list(extra)))
    grid = _grid(extra, notice=True, order=header)
    found = recognise(grid, ALL)
    assert (found.source.key, found.header_row) == (key, 2)
    parsed, skipped, _ = _orders(grid)
    assert (parsed.errors, skipped, len(parsed.orders)) == ([], [], 1)


def test_headers_match_whatever_their_spacing_brackets_and_width() -> None:
    assert normalised("구매수 ( 수량 )") == normalised("구매수(수량)")
    assert normalised("수취인　주소") == normalised("수취인주소")  # an ideographic space
    assert normalised("옵션ＩＤ") == normalised("옵션ID")  # full-width letters
    row = {
        k.replace("옵션ID", "옵션 ＩＤ").replace("수취인 주소", "수취인주소"): v
        for k, v in COUPANG.items()
    }
    assert recognise(_grid(row), ALL).source.key == "COUPANG_WING"


def test_ids_are_the_api_adapters_shipping_unit_line_listing_and_option() -> None:
    second = COUPANG | {"옵션ID": "700512345012", "등록옵션명": "10kg"}
    parsed, _, _ = _orders(_grid(COUPANG, second))
    (order,) = parsed.orders
    assert order.marketplace_order_id == "642538970006400002"  # 묶음배송번호
    assert [(li.line_id, li.listing_id, li.option_id) for li in order.lines] == [
        ("700512345011", "13257461", "700512345011"),
        ("700512345012", "13257461", "700512345012"),
    ]
    naver, _, _ = _orders(_grid(NAVER, NAVER | {"상품주문번호": "2026112800000003"}))
    assert [o.marketplace_order_id for o in naver.orders] == [
        "2026112800000002",
        "2026112800000003",
    ]  # 상품주문번호, not the shared 주문번호
    assert naver.orders[0].recipient.address2 == "101동 202호"
    eleven, _, _ = _orders(
        _grid(ELEVENST, ELEVENST | {"주문순번": "2", "주문번호": "202611280001"})
    )
    (order,) = eleven.orders
    assert (order.marketplace_order_id, [li.line_id for li in order.lines]) == (
        "300000001",
        ["202611280001-1", "202611280001-2"],
    )


def test_a_file_like_a_source_missing_required_headers_names_them() -> None:
    row = {k: v for k, v in NAVER.items() if k not in ("수취인연락처1", "상품번호")}
    with pytest.raises(NotRecognised) as caught:
        recognise(_grid(row), ALL)
    assert "수취인연락처1" in str(caught.value) and "상품번호" in str(caught.value)
    assert caught.value.expected == {SOURCES[1].title: ["상품번호", "수취인연락처1"]}


def test_an_unknown_file_is_refused_with_each_sources_expected_headers() -> None:
    with pytest.raises(NotRecognised) as caught:
        recognise(_grid({"품번": "A-1", "재고": 3}), ALL)
    expected = caught.value.expected
    assert set(expected) == {s.title for s in ALL}
    assert expected[SOURCES[0].title][:3] == ["묶음배송번호", "주문번호", "옵션ID"]
    assert "상품주문번호" in expected[SOURCES[1].title]
    assert "배송번호" in expected[SOURCES[2].title]
    assert "판매처" in expected[TEMPLATE_SOURCE.title]


def test_cancelled_rows_are_skipped_with_the_reason_and_a_partial_cancel_lowers_the_quantity() -> (
    None
):
    cancelled = NAVER | {"상품주문번호": "2026112800000009", "주문상태": "취소완료"}
    parsed, skipped, _ = _orders(_grid(NAVER, cancelled))
    assert [o.marketplace_order_id for o in parsed.orders] == ["2026112800000002"]
    assert skipped == [
        {
            "row": 3,
            "order": "2026112800000009",
            "reason": "주문상태: not awaiting shipment on Naver (주문상태: 취소완료)",
        }
    ]
    partial = COUPANG | {"취소수량": 1}
    whole = COUPANG | {"옵션ID": "700512345012", "취소수량": 2}
    parsed, skipped, _ = _orders(_grid(partial, whole))
    assert [(li.line_id, li.quantity, li.amount_krw) for li in parsed.orders[0].lines] == [
        ("700512345011", 1, 15000)
    ]
    assert [s["row"] for s in skipped] == [3]


def test_a_broken_cell_names_the_files_own_header_and_row() -> None:
    broken = COUPANG | {"묶음배송번호": "6.42539E+17"}
    parsed, _, _ = _orders(_grid(COUPANG | {"묶음배송번호": "1"}, broken))
    assert [(e["row"], e["column"]) for e in parsed.errors] == [(3, "묶음배송번호")]
