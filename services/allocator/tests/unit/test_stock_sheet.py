"""재고 업로드 rows checked whole: columns by header text (extra ones tolerated, missing ones
named), every broken row listed by row and column, nothing taken from a broken file."""

from typing import Any

import pytest

from packline_allocator.domain.movements import MoveLine
from packline_allocator.domain.stock_sheet import RowError, SheetRejected, lines


def test_columns_are_found_by_header_text_and_extra_ones_are_tolerated() -> None:
    header = ["상품명", " 상품코드 ", "창고", "재고수량", "메모"]
    rows: list[tuple[int, list[Any]]] = [
        (2, ["국밥", "BONE-SOUP", "A동", 12, "12월 입고"]),
        (3, ["김", 880123, "B동", "1,200", None]),
        (4, ["쌀", "RICE", None, 3.0]),  # a short row: no 메모 cell
        (5, ["반품", "RET", None, "-2"]),
    ]
    assert [(f.row, f.line) for f in lines(header, rows)] == [
        (2, MoveLine("BONE-SOUP", 12, "12월 입고")),
        (3, MoveLine("880123", 1200, "")),
        (4, MoveLine("RICE", 3, "")),
        (5, MoveLine("RET", -2, "")),
    ]


def test_missing_columns_are_named() -> None:
    with pytest.raises(SheetRejected) as rejected:
        lines(["상품명", "메모"], [])
    assert [(e.row, e.message.split(":")[0]) for e in rejected.value.errors] == [
        (1, "no sku column"),
        (1, "no quantity column"),
    ]
    assert "상품코드" in rejected.value.errors[0].message


def test_every_broken_row_is_listed_and_no_line_is_taken() -> None:
    header = ["SKU", "수량"]
    rows: list[tuple[int, list[Any]]] = [
        (2, ["A", 1]),
        (3, ["", 2]),
        (4, ["B", "두 개"]),
        (5, ["C", 1.5]),
        (6, ["A", 3]),
        (7, ["D", None]),
        (8, ["E", True]),
    ]
    with pytest.raises(SheetRejected) as rejected:
        lines(header, rows)
    assert rejected.value.errors == [
        RowError(3, "SKU", "is empty"),
        RowError(4, "수량", "'두 개' is not a whole number"),
        RowError(5, "수량", "'1.5' is not a whole number"),
        RowError(6, "SKU", "A is on row 2 already"),
        RowError(7, "수량", "is empty"),
        RowError(8, "수량", "'True' is not a whole number"),
    ]


def test_a_control_character_is_named_by_row_and_column() -> None:
    header = ["상품코드", "수량", "메모"]
    rows = [(2, ["A\x00-1", 3, ""]), (3, ["B-2", 1, "입고\x01"]), (4, ["C-3", 2, "탭\t줄"])]
    with pytest.raises(SheetRejected) as rejected:
        lines(header, rows)
    assert rejected.value.errors == [
        RowError(2, "상품코드", "holds the control character U+0000; remove it"),
        RowError(3, "메모", "holds the control character U+0001; remove it"),
    ]
