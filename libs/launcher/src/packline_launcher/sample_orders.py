"""Realistic Korean sample orders for the demo and the end-to-end tests.

Several marketplaces, multi-line orders, options, repeat recipients (who bundle), and a
catalogue whose listings map to the seller's SKUs (one listing is a two-SKU set).
"""

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

SURNAMES = "김이박최정강조윤장임한오서신권황안송류홍"
GIVEN = [
    "민준",
    "서연",
    "도윤",
    "하은",
    "시우",
    "지유",
    "예준",
    "서윤",
    "주원",
    "지민",
    "하준",
    "수아",
    "지호",
    "채원",
    "준서",
    "다은",
    "현우",
    "윤서",
    "건우",
    "민서",
]
STREETS = [
    ("서울특별시", "강남구", "테헤란로", "06234"),
    ("서울특별시", "마포구", "월드컵북로", "03925"),
    ("서울특별시", "송파구", "올림픽로", "05551"),
    ("경기도", "성남시 분당구", "판교역로", "13529"),
    ("경기도", "수원시 영통구", "광교중앙로", "16514"),
    ("부산광역시", "해운대구", "센텀중앙로", "48059"),
    ("인천광역시", "연수구", "송도과학로", "21984"),
    ("대전광역시", "유성구", "대학로", "34134"),
    ("전북특별자치도", "전주시 완산구", "효자로", "54968"),
    ("제주특별자치도", "제주시", "첨단로", "63309"),
]
MARKETPLACES = ["COUPANG", "NAVER", "ELEVENST", "GMARKET", "AUCTION", "OWN_SHOP"]


@dataclass(frozen=True)
class Listing:
    listing_id: str
    option_id: str
    product_name: str
    option_name: str
    price_krw: int
    skus: tuple[tuple[str, int], ...]  # (sku, quantity per unit)


CATALOGUE: tuple[Listing, ...] = (
    Listing("7001", "70011", "유기농 현미 5kg", "5kg", 32_900, (("RICE-5KG", 1),)),
    Listing("7001", "70012", "유기농 현미 5kg", "10kg(5kg x2)", 63_800, (("RICE-5KG", 2),)),
    Listing("7002", "70021", "제주 감귤 3kg", "로얄과", 24_500, (("TANGERINE-3KG", 1),)),
    Listing("7003", "70031", "무항생제 계란 30구", "대란", 11_900, (("EGG-30", 1),)),
    Listing("7004", "70041", "국산 참기름 350ml", "1병", 15_800, (("SESAME-OIL", 1),)),
    Listing(
        "7005",
        "70051",
        "명절 선물세트",
        "참기름+들기름",
        29_000,
        (("SESAME-OIL", 1), ("PERILLA-OIL", 1)),
    ),
    Listing("7006", "70061", "수제 김부각 200g", "오리지널", 9_900, (("LAVER-CHIPS", 1),)),
    Listing("7007", "70071", "한우 사골곰탕 500g", "10팩", 39_000, (("BONE-SOUP", 1),)),
)
SHORT_SKU = "BONE-SOUP"  # the demo keeps this one short, so some bundles wait
UNMAPPED = CATALOGUE[6]  # the demo leaves this listing unmatched until a person maps it


def mobile(rng: random.Random) -> str:
    return f"010-{rng.randint(1000, 9999)}-{rng.randint(1000, 9999)}"


def recipient(rng: random.Random) -> dict[str, str]:
    province, district, street, postcode = rng.choice(STREETS)
    apt = rng.randint(101, 115)
    return {
        "name": rng.choice(SURNAMES) + rng.choice(GIVEN),
        "mobile": mobile(rng),
        "phone": "",
        "postcode": postcode,
        "address1": f"{province} {district} {street} {rng.randint(1, 300)}",
        "address2": f"{apt}동 {rng.randint(1, 25)}{rng.randint(1, 4):02d}호",
        "message": rng.choice(
            ["", "문 앞에 놓아주세요", "부재시 경비실에 맡겨주세요", "배송 전 연락주세요"]
        ),
    }


def order(
    rng: random.Random,
    seller_id: str,
    number: int,
    to: dict[str, str],
    listings: list[Listing],
    paid_at: datetime,
) -> dict[str, Any]:
    marketplace = rng.choice(MARKETPLACES)
    lines = []
    for i, listing in enumerate(listings, start=1):
        quantity = rng.choice([1, 1, 1, 2])
        lines.append(
            {
                "line_id": str(i),
                "listing_id": listing.listing_id,
                "option_id": listing.option_id,
                "product_name": listing.product_name,
                "option_name": listing.option_name,
                "quantity": quantity,
                "unit_price_krw": listing.price_krw,
                "amount_krw": listing.price_krw * quantity,
            }
        )
    return {
        "seller_id": seller_id,
        "marketplace": marketplace,
        "marketplace_order_id": f"{20261128000000 + number}",
        "ordered_at": (paid_at - timedelta(minutes=rng.randint(0, 5))).isoformat(),
        "paid_at": paid_at.isoformat(),
        "recipient": to,
        "orderer_name": to["name"],
        "lines": lines,
        "shipping_fee_krw": rng.choice([0, 0, 3000]),
    }


def generate(
    count: int,
    *,
    seller_id: str = "seller-demo",
    seed: int = 20261128,
    repeat_share: float = 0.2,
    short_sku_isolated: bool = False,
) -> list[dict[str, Any]]:
    """`count` orders; about `repeat_share` go to an earlier recipient (same name, address, phones).

    With `short_sku_isolated`, orders holding SHORT_SKU never share a recipient with another
    order, so which orders must wait is known without knowing how they were bundled.
    """
    rng = random.Random(seed)
    start = datetime(2026, 11, 28, 0, 0, tzinfo=UTC)
    # 7 s apart, but a large run stays within two days (paid times in the future are refused)
    step = min(7.0, 2 * 86_400 / max(count, 1))
    regulars: list[dict[str, str]] = []
    orders = []
    for n in range(count):
        listings = rng.sample(CATALOGUE, k=rng.choice([1, 1, 1, 2, 3]))
        has_short = any(s == SHORT_SKU for li in listings for s, _ in li.skus)
        if has_short and short_sku_isolated:
            to = recipient(rng)
        elif regulars and rng.random() < repeat_share:
            to = rng.choice(regulars)
        else:
            to = recipient(rng)
            regulars.append(to)
        paid = start + timedelta(seconds=n * step)
        orders.append(order(rng, seller_id, n, to, listings, paid))
    return orders


def demand(orders: list[dict[str, Any]]) -> dict[str, int]:
    """Total SKU units the orders need, through the catalogue's mappings."""
    by_key = {(li.listing_id, li.option_id): li for li in CATALOGUE}
    need: dict[str, int] = {}
    for o in orders:
        for line in o["lines"]:
            for sku, per in by_key[(line["listing_id"], line["option_id"])].skus:
                need[sku] = need.get(sku, 0) + per * line["quantity"]
    return need


def catalogue_body(seller_id: str, updated_by: str = "sample") -> dict[str, Any]:
    """Matcher `POST /catalogue` body: the seller's SKUs, which mappings must name."""
    names = {sku: (li.product_name, li.option_name) for li in CATALOGUE for sku, _ in li.skus}
    return {
        "seller_id": seller_id,
        "items": [
            {"sku": sku, "name": name, "option": option}
            for sku, (name, option) in sorted(names.items())
        ],
        "updated_by": updated_by,
    }


def mapping_bodies(
    seller_id: str,
    listings: tuple[Listing, ...] = CATALOGUE,
    marketplaces: list[str] = MARKETPLACES,
    created_by: str = "sample",
) -> list[dict[str, Any]]:
    """Matcher `POST /mappings` bodies for the listings on the marketplaces."""
    return [
        {
            "seller_id": seller_id,
            "marketplace": marketplace,
            "listing_id": listing.listing_id,
            "option_id": listing.option_id,
            "skus": [{"sku": sku, "quantity": q} for sku, q in listing.skus],
            "created_by": created_by,
        }
        for listing in listings
        for marketplace in marketplaces
    ]


def find_listing(listing_id: str, option_id: str) -> Listing:
    return next(li for li in CATALOGUE if (li.listing_id, li.option_id) == (listing_id, option_id))
