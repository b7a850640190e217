"""Realistic Korean orders for the simulated marketplaces, deterministic for a seed.

Repeat buyers order on several marketplaces (so their orders bundle), one order may hold
several products, and the same building shows up as a road-name or a lot-number address.
"""

import random
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from packline_marketsim.catalogue import CATALOGUE, Product
from packline_marketsim.people import Buyer, buyer

SEOUL = ZoneInfo("Asia/Seoul")
MESSAGES = ("", "문 앞에 놓아주세요", "부재시 경비실에 맡겨주세요", "배송 전 연락주세요")


@dataclass(frozen=True)
class GeneratedOrder:
    """A marketplace-neutral order; the store renders it as a Coupang box or Naver orders."""

    marketplace: str
    buyer: Buyer
    items: tuple[tuple[Product, int], ...]  # (product, quantity)
    ordered_at: datetime
    paid_at: datetime
    road_address: bool  # which way the marketplace shows the building
    unit_style: int
    message: str
    shipping_fee_krw: int
    masked_orderer: bool


def generate(
    count: int,
    *,
    marketplaces: tuple[str, ...] = ("COUPANG", "NAVER"),
    seed: int = 20261128,
    paid_from: datetime | None = None,
    spacing: timedelta = timedelta(seconds=20),
    repeat_share: float = 0.25,
    products: tuple[Product, ...] = CATALOGUE,
) -> list[GeneratedOrder]:
    """`count` orders paid from `paid_from` on, `spacing` apart; about `repeat_share` of them
    go to an earlier buyer, often on another marketplace and with the address written another
    way."""
    rng = random.Random(seed)
    start = (paid_from or datetime.now(SEOUL) - timedelta(hours=2)).astimezone(SEOUL)
    regulars: list[Buyer] = []
    orders: list[GeneratedOrder] = []
    for n in range(count):
        if regulars and rng.random() < repeat_share:
            who = rng.choice(regulars)
        else:
            who = buyer(rng)
            regulars.append(who)
        chosen = rng.sample(products, k=min(len(products), rng.choice([1, 1, 1, 2, 3])))
        paid = start + spacing * n
        orders.append(
            GeneratedOrder(
                marketplace=rng.choice(marketplaces),
                buyer=who,
                items=tuple((p, rng.choice([1, 1, 1, 2])) for p in chosen),
                ordered_at=paid - timedelta(seconds=rng.randint(5, 300)),
                paid_at=paid,
                road_address=rng.random() < 0.7,
                unit_style=rng.randint(0, 3),
                message=rng.choice(MESSAGES),
                shipping_fee_krw=rng.choice([0, 0, 3000]),
                masked_orderer=rng.random() < 0.5,
            )
        )
    return orders


def demand(orders: list[GeneratedOrder]) -> dict[str, int]:
    """SKU units the orders need (through the catalogue's SKU lists)."""
    need: Counter[str] = Counter()
    for order in orders:
        for product, quantity in order.items:
            for sku, per_unit in product.skus:
                need[sku] += per_unit * quantity
    return dict(need)
