"""The ids an order file lacks, taken from what the marketplace's API named (known_ids.py): which
of a file line's ids are stand-ins per source, the look-up by listing + option wording (Naver,
11st) or by option id (Coupang without 업체상품 아이디), the newest known one winning, and the
fallback to the file's text, counted. The API orders are a fake: KnownOption rows in memory."""

from datetime import UTC, datetime
from typing import Any

from packline_collector.domain import known_ids
from packline_collector.domain.excel_orders import Parsed, parse_rows
from packline_collector.domain.known_ids import KnownOption
from packline_collector.domain.order_file_rows import SOURCES, rows_as_template
from packline_collector.domain.order_files import recognise
from packline_collector.domain.order_template import TEMPLATE_SOURCE

from .test_order_files import COUPANG, ELEVENST, NAVER, _grid

ALL = (*SOURCES, TEMPLATE_SOURCE)


def _parsed(*rows: dict[str, Any]) -> Parsed:
    grid = _grid(*rows)
    found = recognise(grid, ALL)
    parsed, skipped = Parsed(), list[dict[str, Any]]()
    parsed = parse_rows(
        "s1", rows_as_template(found, grid, parsed, skipped), datetime.now(UTC), parsed
    )
    assert parsed.errors == []
    return parsed


def _ids(parsed: Parsed, known: list[KnownOption]) -> tuple[list[tuple[str, str]], int, int]:
    done = known_ids.resolve(parsed.orders, parsed.stand_ins, known)
    lines = [(li.listing_id, li.option_id) for o in done.orders for li in o.lines]
    return lines, *done.counts(o.ref.uid for o in parsed.orders)


def test_stand_ins_are_the_ids_not_read_from_the_apis_own_column() -> None:
    naver = _parsed(NAVER)
    assert list(naver.stand_ins.values()) == [frozenset({"option_id"})]  # 옵션정보, no 옵션코드
    assert _parsed(NAVER | {"옵션코드": "OPT-3KG"}).stand_ins == {}
    coupang = _parsed({k: v for k, v in COUPANG.items() if k != "업체상품 아이디"})
    assert list(coupang.stand_ins.values()) == [frozenset({"listing_id"})]  # 노출상품ID
    assert _parsed(COUPANG).stand_ins == {}
    assert list(_parsed(ELEVENST).stand_ins.values()) == [frozenset({"option_id"})]
    assert _parsed(ELEVENST | {"옵션재고번호": "9912345"}).stand_ins == {}
    want = known_ids.wanted(naver.orders, naver.stand_ins)
    assert (want.listing_ids, want.option_ids) == (("8812345674",), ())


def test_naver_option_wording_takes_the_option_code_the_api_gave_the_newest_first() -> None:
    parsed = _parsed(NAVER | {"옵션정보": " 3 KG"}, NAVER | {"상품주문번호": "2026112800000009"})
    known = [
        KnownOption("8812345674", "OPT-3KG-NEW", "3kg"),
        KnownOption("8812345674", "OPT-3KG-OLD", "3kg"),
        KnownOption("8812345674", "OPT-5KG", "5kg"),
        KnownOption("1111111111", "OTHER", "3kg"),  # another listing's same wording
    ]
    assert _ids(parsed, known) == (
        [("8812345674", "OPT-3KG-NEW"), ("8812345674", "OPT-3KG-NEW")],
        2,
        0,
    )


def test_nothing_known_keeps_the_files_text_and_counts_it() -> None:
    parsed = _parsed(NAVER, NAVER | {"상품주문번호": "2026112800000009", "옵션정보": "5kg"})
    known = [KnownOption("8812345674", "OPT-5KG", "5kg")]
    assert _ids(parsed, known) == ([("8812345674", "3kg"), ("8812345674", "OPT-5KG")], 1, 1)
    assert _ids(parsed, []) == ([("8812345674", "3kg"), ("8812345674", "5kg")], 0, 2)


def test_coupang_without_seller_product_id_takes_the_listing_of_its_option_id() -> None:
    newer = {k: v for k, v in COUPANG.items() if k != "업체상품 아이디"}
    other = newer | {"옵션ID": "700599999999", "등록옵션명": "1kg"}
    parsed = _parsed(newer, other)
    known = [KnownOption("13257461", "700512345011", "5kg")]
    assert _ids(parsed, known) == (
        [("13257461", "700512345011"), ("7013257461", "700599999999")],
        1,
        1,
    )


def test_11st_option_wording_ignores_the_ordered_count() -> None:
    parsed = _parsed(ELEVENST | {"옵션": "옵션:5kg-3개", "수량": 3})
    known = [KnownOption("5500001", "9912345", "옵션:5kg-1개")]
    assert _ids(parsed, known) == ([("5500001", "9912345")], 1, 0)
    assert known_ids.wording("옵션: 5kg - 2개") == known_ids.wording("옵션:5KG-1개")
