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


def test_masked_names_are_recognised_and_fit_only_names_of_their_shape() -> None:
    from packline_recipients import is_masked
    from packline_recipients.names import masked_compatible

    assert is_masked("신*희") and not is_masked("신동희")
    assert masked_compatible("신*희", "신동희")
    assert not masked_compatible("신*희", "김동희")
    assert not masked_compatible("신*희", "신동희철")


def test_safe_numbers_and_masked_numbers_are_recognised() -> None:
    from packline_recipients import is_safe_number

    assert is_safe_number(normalise_phone("0503-1234-5464"))
    assert is_safe_number(normalise_phone("0505-123-4567"))
    assert not is_safe_number(normalise_phone("010-1234-5678"))
    assert normalise_phone("0503-**-5464") == "0503**5464"


def test_unit_forms_fold_to_one_unit() -> None:
    forms = ["109동 1203호", "109-1203", "109동1203호", "제109동 제1203호", "래미안 109동 1203"]
    keys = {normalise_address("경기 성남시 분당구 판교역로 235", form) for form in forms}
    assert len(keys) == 1


def test_notes_in_parentheses_and_district_suffixes_do_not_count() -> None:
    a = normalise_address("서울특별시 강남구 테헤란로 123 (역삼동, 래미안아파트)", "")
    b = normalise_address("서울 강남 테헤란로 123", "")
    assert a == b


def test_road_and_lot_forms_are_told_apart_not_equated() -> None:
    from packline_recipients import parse_address

    road = parse_address("서울 강남구 테헤란로 152")
    lot = parse_address("서울 강남구 역삼동 737")
    assert (road.kind, road.number) == ("ROAD", "152")
    assert (lot.kind, lot.number) == ("LOT", "737")
    assert road.key != lot.key


def test_postcodes_keep_five_or_six_digits_only() -> None:
    from packline_recipients import parse_address

    assert parse_address("서울 강남구 테헤란로 1", postcode="135-080").postcode == "135080"
    assert parse_address("서울 강남구 테헤란로 1", postcode="06234").postcode == "06234"
    assert parse_address("서울 강남구 테헤란로 1", postcode="1234").postcode == ""


def test_a_five_digit_postcode_is_never_compared_with_a_six_digit_one() -> None:
    from packline_recipients import Outcome, compare

    a = normalise("홍길동", "서울 강남구 테헤란로 1", "", "", "010-1111-2222", postcode="06234")
    b = normalise("홍길동", "서울 강남구 테헤란로 1", "", "", "010-1111-2222", postcode="135-080")
    c = normalise("홍길동", "서울 강남구 테헤란로 1", "", "", "010-1111-2222", postcode="06235")
    assert compare(a, b).outcome is Outcome.SAME
    assert compare(a, c).outcome is Outcome.REVIEW


def test_same_recipient_different_safe_number_goes_to_review_with_reasons() -> None:
    from packline_recipients import Agreement, Outcome, compare

    a = normalise("홍길동", "서울 마포구 월드컵북로 1", "", "", "0503-1111-2222")
    b = normalise("홍길동", "서울 마포구 월드컵북로 1", "", "", "0504-3333-4444")
    verdict = compare(a, b)
    assert verdict.outcome is Outcome.REVIEW
    assert verdict.agreement("mobile") is Agreement.WEAK
    assert verdict.agreement("name") is verdict.agreement("address") is Agreement.EQUAL
