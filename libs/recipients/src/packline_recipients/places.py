"""A Korean address read into the parts that decide whether two addresses are one door.

시도 (province, aliases folded), 시군구 (districts, 읍/면 too; `강남구` = `강남`), the street
(road name `테헤란로`, `판교역로235번길`, or for a lot-number address the 동/리/가) with its
number (main-sub: `123-4`, `산12`), the neighbourhood a road address names in its note
`(역삼동, 래미안)`, the building name, and the unit: 동 of a complex, 호, 층.

`Address` (address.py) is the partition and bundle key and must stay stable; a `Place` is only
read to compare (sameness.py), so it may grow finer without moving any key.
"""

import re
import unicodedata
from dataclasses import dataclass

from packline_recipients.address import AddressKind, normalise_postcode
from packline_recipients.provinces import PROVINCES

_NOTE = re.compile(r"\(([^)]*)\)|\[([^\]]*)\]|\{([^}]*)\}")
_SEPARATORS = re.compile(r"[\s,·/]+")
_FOLD = re.compile(r"[^0-9a-z가-힣]")
_ROAD = re.compile(r"^([가-힣][가-힣0-9]*(?:로|길))(\d+(?:-\d+)?)?$")
_BRANCH = re.compile(r"^\d+(?:번)?길$")  # `테헤란로 12길`: the branch road's second half
_LOT = re.compile(r"^([가-힣][가-힣0-9]*(?:동|리|가))((?:산)?\d+(?:-\d+)?)?$")
_NUMBER = re.compile(r"^(산)?(\d+)(?:-(\d+))?(?:번지)?$")
_DISTRICT = re.compile(r"^([가-힣]{2,})(?:시|군|구)$")
_AREA = re.compile(r"^[가-힣][가-힣0-9]*(?:동|리|가)$")

_JE = re.compile(r"(?:^|(?<=\s))제\s*(?=[0-9])")  # 제101동 제1203호
_DASH_UNIT = re.compile(r"(?:^|\s)([0-9]{1,4})\s*-\s*(b?[0-9]{1,5})\s*호?(?=\s|$)")
_DONG = re.compile(r"(?:^|\s)([0-9]{1,4}|[a-z]|[가-힣])\s*동(?![가-힣])")
_HO = re.compile(r"(?<![0-9a-z])(b?[0-9]{1,5})\s*호")
_BARE_HO = re.compile(r"^\s*([0-9]{1,5})(?=\s|$)")  # `101동 1203`: the number after the 동
_FLOOR = re.compile(r"(?<![0-9a-z])(지하|b)?\s*([0-9]{1,3})\s*층")


@dataclass(frozen=True)
class Unit:
    dong: str = ""  # 동 of a complex: "101", "a", "가"
    ho: str = ""  # 호: "1203", "b101"
    floor: int | None = None  # 층 written out; 지하 (basement) floors are negative
    rest: str = ""  # the detail folded, when none of the above was found

    @property
    def structured(self) -> bool:
        return bool(self.dong or self.ho) or self.floor is not None

    @property
    def floor_of_ho(self) -> int | None:
        """1203호 is on the 12th floor, b101호 on the first basement floor."""
        digits = self.ho.removeprefix("b")
        if len(digits) < 3:
            return None
        return -int(digits[:-2]) if self.ho.startswith("b") else int(digits[:-2])


@dataclass(frozen=True)
class Place:
    province: str  # "서울"; "" when not written
    districts: tuple[str, ...]  # ("성남", "분당"); 읍/면 kept whole
    kind: AddressKind
    street: str  # road name, or the 동/리/가 of a lot-number address
    main: str  # "123", "산12"; "" when no number was found
    sub: str  # "4" of 123-4
    area: str  # the 동/리/가 a road address names (note or before the road)
    building: str  # building name from a note, folded
    unit: Unit
    postcode: str  # 5 or 6 digits, or ""
    building_no: str  # 건물관리번호, digits
    text: str  # the base address folded whole (for addresses no form was found in)


def _clean(text: str) -> str:
    return unicodedata.normalize("NFC", unicodedata.normalize("NFKC", text)).lower()


def _fold(text: str) -> str:
    return _FOLD.sub("", text)


def _notes(text: str) -> tuple[str, str, str]:
    """(text without notes, neighbourhood named in a note, building named in a note)."""
    area, building = "", ""
    for match in _NOTE.finditer(text):
        for item in re.split(r"[,·]", next(g for g in match.groups() if g is not None)):
            word = item.strip().replace(" ", "")
            if _AREA.match(word) and not area:
                area = word
            elif word and not building:
                building = _fold(word)
    return _NOTE.sub(" ", text), area, building


def _district(word: str) -> str:
    match = _DISTRICT.match(word)
    return match.group(1) if match else word


def _street(words: list[str]) -> tuple[int, int, AddressKind, str, str]:
    """(index of the street, index after its number, kind, street, number); the first road
    with a number wins, else the first 동/리/가 with one."""
    forms: tuple[tuple[AddressKind, re.Pattern[str]], ...] = (("ROAD", _ROAD), ("LOT", _LOT))
    for kind, pattern in forms:
        for i, word in enumerate(words):
            match = pattern.match(word)
            if not match:
                continue
            name, j = match.group(1), i + 1
            if match.group(2):  # "테헤란로123": street and number written together
                return i, j, kind, name, match.group(2)
            if kind == "ROAD" and j < len(words) and _BRANCH.match(words[j]):
                name, j = name + words[j], j + 1
            if j < len(words) and _NUMBER.match(words[j]):
                return i, j + 1, kind, name, words[j]
    return len(words), len(words), "UNKNOWN", "", ""


def parse_unit(detail: str) -> Unit:
    """동/호/층 from the detail: `101동 1203호`, `101-1203`, `제101동 제1203호`, `B1층`."""
    detail = _JE.sub("", _clean(detail))
    dong, ho = "", ""
    dash = _DASH_UNIT.search(detail)
    if dash:
        dong, ho = dash.group(1), dash.group(2)
    else:
        found = _DONG.search(detail)
        if found:
            dong = found.group(1)
            bare = _BARE_HO.match(detail[found.end() :])
            if bare:
                ho = bare.group(1)
        found = _HO.search(detail)
        if found and not ho:
            ho = found.group(1)
        elif not dong and not ho and re.fullmatch(r"\s*[0-9]{1,5}\s*", detail):
            ho = detail.strip()
    floor_match = _FLOOR.search(detail)
    floor = None
    if floor_match:
        floor = int(floor_match.group(2)) * (-1 if floor_match.group(1) else 1)
    dong = str(int(dong)) if dong.isdigit() else dong
    ho = ("b" if ho.startswith("b") else "") + str(int(ho.removeprefix("b"))) if ho else ""
    if dong or ho or floor is not None:
        return Unit(dong, ho, floor)
    return Unit(rest=_fold(detail))


def parse_place(
    address1: str,
    address2: str = "",
    postcode: str = "",
    building_no: str = "",
    road: bool | None = None,
) -> Place:
    """`road`: the marketplace's road-name flag (Naver isRoadNameAddress), read only when the
    text itself shows no form."""
    base, area, building = _notes(_clean(address1))
    detail_text, _, detail_building = _notes(_clean(address2))
    words = [w for w in _SEPARATORS.split(base) if w]
    province = ""
    if words and words[0] in PROVINCES:
        province = PROVINCES[words.pop(0)]
    start, end, kind, street, number = _street(words)
    districts = []
    for word in words[:start]:
        if _AREA.match(word) and kind == "ROAD":
            area = area or word
        else:
            districts.append(_district(_fold(word)))
    found = _NUMBER.match(number.removesuffix("번지")) if number else None
    main = f"{found.group(1) or ''}{int(found.group(2))}" if found else ""
    sub = str(int(found.group(3))) if found and found.group(3) else ""
    if kind == "UNKNOWN" and road is not None:
        kind = "ROAD" if road else "LOT"
    return Place(
        province=province,
        districts=tuple(d for d in districts if d) if street else (),
        kind=kind,
        street=street,
        main=main,
        sub=sub,
        area=area,
        building=building or detail_building,
        unit=parse_unit(" ".join([*words[end:], detail_text]) if street else detail_text),
        postcode=normalise_postcode(postcode),
        building_no=re.sub(r"\D", "", building_no),
        text=_fold("".join(words)),
    )
