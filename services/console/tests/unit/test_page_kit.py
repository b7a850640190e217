"""The pasted `code,quantity` lines and masked key ids the work pages share."""

from packline_console.entrypoints.page_kit import quantity_lines
from packline_console.entrypoints.waybill_accounts_page import masked


def test_lines_take_a_header_commas_or_tabs_and_name_each_bad_line() -> None:
    pairs, errors = quantity_lines("SKU,수량\nA-1,3\nB-2\t0\n\nC-3,세개\nD-4\n", "SKU")

    assert pairs == [("A-1", 3), ("B-2", 0)]
    assert errors == [
        "5번째 줄: 수량은 0 이상의 정수여야 합니다 (세개).",
        "6번째 줄: 'SKU,수량' 두 칸이어야 합니다.",
    ]


def test_no_lines_at_all_is_an_error_not_an_empty_change() -> None:
    assert quantity_lines("SKU,수량\n\n", "SKU") == (
        [],
        ["입력된 줄이 없습니다. 한 줄에 'SKU,수량'을 적어 주세요."],
    )


def test_a_key_id_shows_only_its_first_characters() -> None:
    assert masked("AKIA1234567890") == "AKIA" + "*" * 10
    assert masked("ab") == "ab****"
