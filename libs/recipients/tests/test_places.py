"""Korean addresses read into their parts, and the recipient rule built on comparing them."""

from packline_recipients import (
    NormalisedRecipient,
    Outcome,
    Sameness,
    Unit,
    compare,
    compare_places,
    normalise,
    parse_place,
)


def test_a_road_address_is_read_into_province_districts_street_number_and_unit() -> None:
    place = parse_place(
        "경기도 성남시 분당구 판교역로 235번길 10-2 (삼평동, 판교푸르지오)", "제109동 제1203호"
    )
    assert (place.province, place.districts, place.kind) == ("경기", ("성남", "분당"), "ROAD")
    assert (place.street, place.main, place.sub) == ("판교역로235번길", "10", "2")
    assert (place.area, place.building) == ("삼평동", "판교푸르지오")
    assert place.unit == Unit(dong="109", ho="1203")


def test_a_lot_address_keeps_its_mountain_lot_and_sub_number() -> None:
    place = parse_place("경기 양평군 양서면 목왕리 산12-3번지", "")
    assert (place.kind, place.street, place.main, place.sub) == ("LOT", "목왕리", "산12", "3")
    assert place.districts == ("양평", "양서면")


def test_units_floors_and_basements() -> None:
    assert parse_place("서울 강남구 테헤란로 152", "B1층").unit == Unit(floor=-1)
    assert parse_place("서울 강남구 테헤란로 152", "101-0803").unit == Unit("101", "803")
    assert parse_place("서울 강남구 테헤란로 152", "가동 201호").unit == Unit("가", "201")
    assert parse_place("서울 강남구 테헤란로 152", "1203호").unit.floor_of_ho == 12


def test_the_marketplace_flag_names_the_form_only_when_the_text_does_not() -> None:
    assert parse_place("서울 강남구 강남파이낸스센터", road=True).kind == "ROAD"
    assert parse_place("서울 강남구 역삼동 737", road=True).kind == "LOT"


def _to(
    address1: str, address2: str = "", building_no: str = "", road: bool | None = None
) -> NormalisedRecipient:
    return normalise(
        "김민준", address1, address2, "", "010-1234-5678", building_no=building_no, road=road
    )


def test_same_name_and_mobile_at_another_door_is_another_box_without_review() -> None:
    """Issue 12: sharing two fields no longer sends a plainly different address to 확인필요."""
    home = _to("서울 강남구 테헤란로 152", "101동 1203호")
    for elsewhere in (
        _to("서울 강남구 테헤란로 152", "102동 1203호"),
        _to("서울 강남구 테헤란로 152", "101동 1503호"),
        _to("서울 강남구 테헤란로 154", "101동 1203호"),
        _to("부산 해운대구 센텀중앙로 79", "101동 1203호"),
    ):
        verdict = compare(home, elsewhere)
        assert verdict.outcome is Outcome.DIFFERENT
        assert verdict.agreement("address") == "DIFFERENT"


def test_one_place_written_two_ways_still_asks_a_person() -> None:
    road = _to("서울 강남구 테헤란로 152", "1203호")
    lot = _to("서울 강남구 역삼동 737", "1203호")
    assert compare(road, lot).outcome is Outcome.REVIEW
    assert compare(road, _to("서울 강남구 테헤란로 152")).outcome is Outcome.REVIEW


def test_building_management_numbers_decide_the_building_when_both_sides_have_one() -> None:
    one, other = "1168010100107370000000001", "1168010100107370000000002"
    road = _to("서울 강남구 테헤란로 152", "1203호", building_no=one, road=True)
    assert compare(road, _to("서울 강남구 역삼동 737", "1203호", building_no=other)).outcome is (
        Outcome.DIFFERENT
    )
    same = parse_place("서울 강남구 역삼동 737", "1203호", building_no=one)
    assert road.place.building_no == same.building_no
    assert compare_places(road.place, same).sameness is Sameness.SAME
