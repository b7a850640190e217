"""The shared search box and /flow's default moment."""

from datetime import UTC, datetime, timedelta, timezone

from packline_runtime import flow, search


def test_terms_are_comma_separated_trimmed_and_bounded() -> None:
    assert search.terms(" A-1 , ,b ") == ["A-1", "b"]
    assert search.terms(None) == []
    assert len(search.terms(",".join(str(n) for n in range(80)))) == search.MAX_TERMS


def test_patterns_take_like_wildcards_literally() -> None:
    assert search.patterns("") is None
    assert search.patterns("50%_off\\x") == ["%50\\%\\_off\\\\x%"]


def test_matching_is_true_without_terms_and_any_column_otherwise() -> None:
    sql = search.matching(3, "a", "b::text")
    assert sql == "($3::text[] IS NULL OR a ILIKE ANY($3::text[]) OR b::text ILIKE ANY($3::text[]))"


def test_flow_counts_from_the_korean_day_unless_told() -> None:
    late_utc = datetime(2026, 12, 1, 16, 30, tzinfo=UTC)  # 01:30 on 2 December in Seoul
    assert flow.start_of(None, late_utc) == datetime(2026, 12, 1, 15, 0, tzinfo=UTC)
    asked = datetime(2026, 11, 30, 9, 0, tzinfo=timezone(timedelta(hours=9)))
    assert flow.start_of(asked) == datetime(2026, 11, 30, 0, 0, tzinfo=UTC)
