"""Are two addresses one door? SAME, DIFFERENT (plainly another destination), or MAYBE (could
be one place written two ways: a person looks).

DIFFERENT is said only on evidence that cannot be a way of writing one place: another 시도, or
another 시군구 together with another street or number; another street, building number or lot
sub-number (부번) in the same form; another 동, 호 or 층; another building management number
(건물관리번호); a road-name and a lot-number form whose 5-digit postcodes or neighbourhoods (동)
differ. Spacing, 특별시/광역시 aliases, a missing 시/구 or unit on one side, a one-letter typo in
a street name, 산 on one side, or road against lot form with nothing contradicting are MAYBE.
Whys never hold the values: verdicts may be logged.
"""

from dataclasses import dataclass
from enum import StrEnum

from packline_recipients.places import Place, Unit


class Sameness(StrEnum):
    SAME = "SAME"
    DIFFERENT = "DIFFERENT"
    MAYBE = "MAYBE"


@dataclass(frozen=True)
class PlaceVerdict:
    sameness: Sameness
    why: str


def _same(why: str) -> PlaceVerdict:
    return PlaceVerdict(Sameness.SAME, why)


def _different(why: str) -> PlaceVerdict:
    return PlaceVerdict(Sameness.DIFFERENT, why)


def _maybe(why: str) -> PlaceVerdict:
    return PlaceVerdict(Sameness.MAYBE, why)


def compare_units(a: Unit, b: Unit) -> PlaceVerdict:
    if a.dong and b.dong and a.dong != b.dong:
        return _different("another 동")
    if a.ho and b.ho and a.ho != b.ho:
        return _different("another 호")
    floor_a = a.floor if a.floor is not None else a.floor_of_ho
    floor_b = b.floor if b.floor is not None else b.floor_of_ho
    if floor_a is not None and floor_b is not None and floor_a != floor_b:
        return _different("another floor")  # 3층 and 501호 too: 호 numbers start with the floor
    if not a.structured and not b.structured:
        if a.rest == b.rest:
            return _same("same detail")
        if not a.rest or not b.rest:
            return _maybe("detail on one side only")
        return _maybe("detail written differently")
    if a.structured != b.structured:
        return _maybe("unit on one side only")
    if bool(a.dong) != bool(b.dong):
        return _maybe("동 on one side only")
    if bool(a.ho) != bool(b.ho):
        return _maybe("호 on one side only")
    for one, other in ((a, b), (b, a)):
        if one.floor is not None and other.floor is None and other.floor_of_ho != one.floor:
            return _maybe("floor on one side only")
    return _same("same unit")


def _is_subsequence(short: tuple[str, ...], long: tuple[str, ...]) -> bool:
    rest = iter(long)
    return all(word in rest for word in short)


def _districts_fit(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """`성남 분당` fits `분당` and `성남시 분당구`; `수원 영통` does not fit `성남 분당`."""
    if not a or not b:
        return True
    short, long = (a, b) if len(a) <= len(b) else (b, a)
    return _is_subsequence(short, long)


def _one_edit(a: str, b: str) -> bool:
    """One letter added, dropped or changed (a typo); digits must agree (12길 ≠ 14길)."""
    if [c for c in a if c.isdigit()] != [c for c in b if c.isdigit()]:
        return False
    if abs(len(a) - len(b)) > 1 or min(len(a), len(b)) < 3:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) <= 1
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


def _area_key(area: str) -> str:
    """역삼1동 (administrative) and 역삼동 (legal) name one neighbourhood; so do 효자동2가 and
    효자동 as far as telling them apart goes."""
    return "".join(c for c in area if not c.isdigit()).removesuffix("가")


def _postcodes_clash(a: Place, b: Place) -> bool:
    """Two 5-digit postcodes differ (a 5-digit code is never compared with a 6-digit one)."""
    return len(a.postcode) == len(b.postcode) == 5 and a.postcode != b.postcode


# roads are named per 시/군/구, but one road may cross the 구 of one city (세종대로: 중구 and
# 종로구): in these the same road and number under another 구 may be a wrong 구, not a move
_METROPOLITAN = {"서울", "부산", "대구", "인천", "광주", "대전", "울산", "세종"}


def _another_district(a: Place, b: Place) -> PlaceVerdict:
    """Same street and number, districts that do not fit."""
    if _postcodes_clash(a, b):
        return _different("another city or district")
    provinces = {a.province, b.province} - {""}
    if provinces and not provinces & _METROPOLITAN and a.districts[0] != b.districts[0]:
        return _different("another city or county (시/군)")
    return _maybe("same street and number, another district")


def _similar_streets(a: Place, b: Place) -> bool:
    """A typo, or (lot-number form) 역삼1동 against 역삼동."""
    if a.kind == "LOT" and _area_key(a.street) == _area_key(b.street):
        return True
    return _one_edit(a.street, b.street)


def _same_form(a: Place, b: Place) -> PlaceVerdict:
    districts_fit = _districts_fit(a.districts, b.districts)
    typo = a.street != b.street and _similar_streets(a, b)
    if a.street != b.street and not typo:
        return _different("another street")
    if a.main != b.main:
        if a.main.removeprefix("산") == b.main.removeprefix("산"):
            return _maybe("산 (mountain lot) on one side only")
        return _different("another building or lot number")
    if a.sub != b.sub:
        if a.sub and b.sub:
            return _different("another sub-number (부번)")
        return _maybe("sub-number (부번) on one side only")
    if not districts_fit:
        return _another_district(a, b)
    if typo:
        return _different("postcodes differ") if _postcodes_clash(a, b) else _maybe("street typo?")
    if _postcodes_clash(a, b):
        return _maybe("same address, postcodes differ")
    return _same("same building")


def _road_and_lot(a: Place, b: Place) -> PlaceVerdict:
    if not _districts_fit(a.districts, b.districts):
        return _different("another city or district")
    if _postcodes_clash(a, b):
        return _different("postcodes differ")
    road, lot = (a, b) if a.kind == "ROAD" else (b, a)
    if road.area and _area_key(road.area) != _area_key(lot.street):
        return _different("another neighbourhood (동)")
    return _maybe("road-name and lot-number forms")


def _buildings(a: Place, b: Place) -> PlaceVerdict:
    if a.province and b.province and a.province != b.province:
        return _different("another province")
    known = a.kind != "UNKNOWN" and b.kind != "UNKNOWN" and a.main and b.main
    if known and a.kind == b.kind:
        return _same_form(a, b)
    if known:
        return _road_and_lot(a, b)
    if _postcodes_clash(a, b):
        return _different("postcodes differ")
    if a.text == b.text and a.text:
        return _same("same text")
    return _maybe("address form not recognised")


def compare_places(a: Place, b: Place) -> PlaceVerdict:
    """Building management numbers decide the building when both sides have one; the unit
    decides within it. Another unit is another door wherever the building is."""
    if a.building_no and b.building_no:
        if a.building_no != b.building_no:
            return _different("building management numbers differ")
        return compare_units(a.unit, b.unit)
    building = _buildings(a, b)
    if building.sameness is Sameness.DIFFERENT:
        return building
    unit = compare_units(a.unit, b.unit)
    if unit.sameness is not Sameness.SAME and building.sameness is Sameness.SAME:
        return unit
    if unit.sameness is Sameness.DIFFERENT:
        return unit
    return building
