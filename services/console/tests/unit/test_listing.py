"""The list helpers: bounded query values, search terms, period presets, the Excel download."""

import io
from datetime import UTC, datetime

import openpyxl
from starlette.requests import Request

from packline_console.entrypoints.listing import ListQuery, every_row, xlsx


def _request(query: str) -> Request:
    return Request({"type": "http", "query_string": query.encode(), "headers": []})


def test_bad_values_fall_back_and_terms_split_on_commas() -> None:
    lq = ListQuery.of(_request("page=-3&size=7&preset=forever&q=A-1,%20B-2%20,,"))
    assert (lq.page, lq.size, lq.preset) == (1, 50, "7d")
    assert lq.terms == ["A-1", "B-2"]


def test_today_starts_at_midnight_in_seoul() -> None:
    lq = ListQuery.of(_request("preset=today"))
    # 2026-12-01 01:00 KST is 2026-11-30 16:00 UTC; 오늘 starts 2026-11-30 15:00 UTC
    assert lq.since(datetime(2026, 11, 30, 16, 0, tzinfo=UTC)) == datetime(
        2026, 11, 30, 15, 0, tzinfo=UTC
    )
    assert ListQuery.of(_request("preset=all")).since() is None


def test_links_keep_the_filter_and_drop_the_export() -> None:
    lq = ListQuery.of(_request("q=x&preset=30d&format=xlsx&page=2"))
    assert lq.export
    assert lq.link(page=3) == "?q=x&preset=30d&page=3"


async def test_every_row_pages_until_a_short_page() -> None:
    calls: list[tuple[int, int]] = []

    async def fetch(limit: int, offset: int) -> list[int]:
        calls.append((limit, offset))
        return list(range(offset, min(offset + limit, 1200)))

    rows = [r async for r in every_row(fetch, page_size=500)]
    assert rows == list(range(1200)) and calls == [(500, 0), (500, 500), (500, 1000)]


def test_the_excel_keeps_formula_looking_text_as_text() -> None:
    answer = xlsx(
        "주문", [("name", "수취인"), ("qty", "수량")], [{"name": "=HYPERLINK()", "qty": 2}]
    )
    sheet = openpyxl.load_workbook(io.BytesIO(bytes(answer.body))).active
    assert sheet is not None
    assert [c.value for c in sheet[1]] == ["수취인", "수량"]
    assert [c.value for c in sheet[2]] == ["'=HYPERLINK()", 2]
    assert "UTF-8''%EC%A3%BC%EB%AC%B8" in answer.headers["content-disposition"]


def test_filters_send_the_search_and_the_period_to_the_service() -> None:
    assert ListQuery.of(_request("q=A-1&preset=all")).filters() == {"q": "A-1", "since": None}
    week = ListQuery.of(_request("preset=7d")).filters()
    assert week["q"] is None and week["since"] is not None
    assert datetime.fromisoformat(week["since"]).utcoffset() is not None  # an aware moment
