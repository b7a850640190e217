"""Simulated buyers: Korean names, 010 numbers and buildings written two ways.

A building has a road-name address (도로명주소) and a lot-number address (지번주소); marketplaces
show either, with a 5-digit postcode (since 2015) or the old 6-digit `xxx-xxx` one.
"""

import random
from dataclasses import dataclass

SURNAMES = "김이박최정강조윤장임한오서신권황안송류홍"
GIVEN = (
    "민준 서연 도윤 하은 시우 지유 예준 서윤 주원 지민 하준 수아 지호 채원 준서 다은 현우 윤서 "
    "건우 민서 은지 영호 순자 정희"
).split()


@dataclass(frozen=True)
class Building:
    road: str  # 도로명주소
    lot: str  # 지번주소
    postcode: str  # 5-digit 우편번호
    old_postcode: str  # 6-digit, as some marketplaces still send it
    management_no: str  # 건물관리번호 (Naver buildingManagementNo)
    note: str  # the parenthesised note road addresses often carry
    apartment: bool


# fmt: off
BUILDINGS: tuple[Building, ...] = (
    Building("서울특별시 강남구 테헤란로 152", "서울특별시 강남구 역삼동 737", "06236",
             "135-984", "1168010100107370000000001", "(역삼동, 강남파이낸스센터)", False),
    Building("서울특별시 송파구 올림픽로 435", "서울특별시 송파구 신천동 17-6", "05510",
             "138-240", "1171010200100170006000001", "(신천동, 파크리오)", True),
    Building("서울특별시 마포구 월드컵북로 396", "서울특별시 마포구 상암동 1601", "03925",
             "121-270", "1144012700116010000000001", "(상암동, 누리꿈스퀘어)", False),
    Building("경기도 성남시 분당구 판교역로 166", "경기도 성남시 분당구 백현동 532", "13529",
             "463-400", "4113510900105320000000001", "(백현동)", False),
    Building("경기도 수원시 영통구 광교중앙로 145", "경기도 수원시 영통구 이의동 1330", "16514",
             "443-270", "4111710300113300000000001", "(이의동, 광교자연앤힐스테이트)", True),
    Building("부산광역시 해운대구 센텀중앙로 79", "부산광역시 해운대구 우동 1505", "48059",
             "612-020", "2635010500115050000000001", "(우동, 센텀리더스마크)", True),
    Building("인천광역시 연수구 송도과학로 32", "인천광역시 연수구 송도동 172", "21984",
             "406-840", "2818510600101720000000001", "(송도동, 송도테크노파크IT센터)", False),
    Building("대전광역시 유성구 대학로 99", "대전광역시 유성구 궁동 220", "34134",
             "305-764", "3020012200102200000000001", "(궁동)", False),
    Building("전북특별자치도 전주시 완산구 효자로 225", "전라북도 전주시 완산구 효자동2가 1231", "54968",
             "560-761", "5211112900112310000000001", "(효자동2가)", True),
    Building("제주특별자치도 제주시 첨단로 242", "제주특별자치도 제주시 영평동 2181", "63309",
             "690-140", "5011013300121810000000001", "(영평동)", False),
    Building("대구광역시 수성구 달구벌대로 2435", "대구광역시 수성구 범어동 178-1", "42020",
             "706-010", "2726010600101780001000001", "(범어동, 범어SK뷰)", True),
    Building("경기도 고양시 일산동구 중앙로 1275", "경기도 고양시 일산동구 장항동 868", "10401",
             "410-837", "4128510400108680000000001", "(장항동)", True),
)
# fmt: on


@dataclass(frozen=True)
class Buyer:
    name: str
    mobile: str  # the real 010 number; marketplaces usually hide it behind a 050x 안심번호
    building: Building
    dong: int  # 동 (apartment block); 0 for offices
    ho: int  # 호 (unit) or floor

    def unit(self, style: int) -> str:
        """The detailed address (상세주소), written one of the ways buyers write it."""
        if not self.building.apartment:
            return f"{self.ho // 100}층" if style % 2 else f"{self.ho // 100}층 {self.ho}호"
        return f"{self.dong}동 {self.ho}호" if style % 2 else f"{self.dong}-{self.ho}"


def buyer(rng: random.Random) -> Buyer:
    building = rng.choice(BUILDINGS)
    return Buyer(
        name=rng.choice(SURNAMES) + rng.choice(GIVEN),
        mobile=f"010-{rng.randint(2000, 9999)}-{rng.randint(1000, 9999)}",
        building=building,
        dong=rng.randint(101, 115) if building.apartment else 0,
        ho=rng.randint(1, 25) * 100 + rng.randint(1, 4),
    )


def safe_number(rng: random.Random) -> str:
    """A per-order 050x 안심번호 (virtual number): differs on every order, even of one buyer."""
    prefix = rng.choice(["0502", "0503", "0504", "0505"])
    return f"{prefix}-{rng.randint(1000, 9999)}-{rng.randint(1000, 9999)}"


def masked_name(name: str) -> str:
    """`신*희`: how marketplaces show an orderer they do not want to expose."""
    return name[0] + "*" + name[-1] if len(name) > 2 else name[0] + "*"


def masked_phone(phone: str) -> str:
    return phone[:4] + "-**-" + phone[-4:]
