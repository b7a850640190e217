"""Recipient normalisation and the keys built on it."""

from packline_recipients import (
    bundle_key,
    normalise,
    normalise_address,
    normalise_name,
    normalise_phone,
    recipient_key,
)


def test_names_fold_whitespace_and_keep_hangul() -> None:
    assert normalise_name("  홍  길동 ") == "홍 길동"
    assert normalise_name("신*희") == "신*희"


def test_province_aliases_spacing_and_punctuation_do_not_change_the_address() -> None:
    a = normalise_address("서울특별시 강남구 테헤란로 123", "101동 1203호")
    b = normalise_address("서울  강남구 테헤란로 123,", "101동1203호")
    c = normalise_address("서울시 강남구  테헤란로 123", "101동 1203호.")
    assert a == b == c


def test_different_buildings_stay_different() -> None:
    assert normalise_address("서울 강남구 테헤란로 123", "") != normalise_address(
        "서울 강남구 테헤란로 125", ""
    )


def test_phones_compare_by_digits_and_country_prefix() -> None:
    assert normalise_phone("010-1234-5678") == "01012345678"
    assert normalise_phone("+82 10 1234 5678") == "01012345678"
    assert normalise_phone("(02) 555-1234") == "025551234"


def test_same_recipient_written_two_ways_bundles_together() -> None:
    one = normalise("홍길동", "경기도 성남시 분당구 판교역로 235", "1층", "", "010-1111-2222")
    two = normalise("홍길동 ", "경기 성남시 분당구 판교역로 235", "1층", "", "01011112222")
    assert bundle_key("s1", one) == bundle_key("s1", two)
    assert recipient_key("s1", one) == recipient_key("s1", two)


def test_different_phone_keeps_partition_but_not_the_bundle() -> None:
    one = normalise("홍길동", "서울 마포구 월드컵북로 1", "", "", "010-1111-2222")
    two = normalise("홍길동", "서울 마포구 월드컵북로 1", "", "", "010-9999-2222")
    assert recipient_key("s1", one) == recipient_key("s1", two)
    assert bundle_key("s1", one) != bundle_key("s1", two)


def test_sellers_never_share_keys() -> None:
    r = normalise("홍길동", "서울 마포구 월드컵북로 1", "", "", "010-1111-2222")
    assert recipient_key("s1", r) != recipient_key("s2", r)
