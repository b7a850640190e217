"""The demo's marketplaces: seller accounts on the simulator, orders seeded there, the same
accounts registered with the collector, and collections run through its HTTP API."""

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from packline_marketsim.catalogue import CATALOGUE, Product, by_code

UNMAPPED = by_code("LAVER-200G")  # left for a person to match once orders wait for it
SHORT_SKU = "BONE-SOUP"  # kept short, so some bundles wait for stock
MARKETPLACES = ("COUPANG", "NAVER", "ELEVENST")

Call = Callable[..., Any]  # (service, path, **httpx kwargs) -> JSON


def mapping_bodies(
    seller_id: str, products: tuple[Product, ...], marketplaces: tuple[str, ...], created_by: str
) -> list[dict[str, Any]]:
    """Matcher `POST /mappings` bodies: each product's listing and option id on each marketplace."""
    bodies = []
    for product in products:
        for marketplace in marketplaces:
            listing_id, option_id = product.listing(marketplace)
            bodies.append(
                {
                    "seller_id": seller_id,
                    "marketplace": marketplace,
                    "listing_id": listing_id,
                    "option_id": option_id,
                    "created_by": created_by,
                    "skus": [{"sku": s, "quantity": q} for s, q in product.skus],
                }
            )
    return bodies


def mapped_products() -> tuple[Product, ...]:
    return tuple(p for p in CATALOGUE if p != UNMAPPED)


def open_accounts(call: Call, seller_id: str, market_url: str) -> dict[str, dict[str, str]]:
    """One Coupang, one Naver and one 11st account on the simulator, registered with the
    collector."""
    coupang = call("marketsim", "/_sim/accounts", json={"marketplace": "COUPANG"})
    naver = call("marketsim", "/_sim/accounts", json={"marketplace": "NAVER"})
    elevenst = call("marketsim", "/_sim/accounts", json={"marketplace": "ELEVENST"})
    for body in (
        {
            "marketplace": "COUPANG",
            "name": "쿠팡 (simulated)",
            "vendor_id": coupang["vendor_id"],
            "access_key": coupang["access_key"],
            "secret_key": coupang["secret_key"],
        },
        {
            "marketplace": "NAVER",
            "name": "스마트스토어 (simulated)",
            "client_id": naver["client_id"],
            "client_secret": naver["client_secret"],
        },
        {
            "marketplace": "ELEVENST",
            "name": "11번가 (simulated)",
            "seller_login": elevenst["seller_id"],
            "api_key": elevenst["api_key"],
        },
    ):
        call(
            "collector", "/accounts", json={"seller_id": seller_id, "base_url": market_url, **body}
        )
    return {"COUPANG": coupang, "NAVER": naver, "ELEVENST": elevenst}


def seed_orders(call: Call, accounts: dict[str, dict[str, str]], count: int) -> dict[str, Any]:
    """`count` buyers' orders, paid over the last hours (inside the automatic 12-hour window)."""
    spacing = min(30.0, 10 * 3600 / max(count, 1))
    paid_from = datetime.now(UTC) - timedelta(seconds=spacing * count + 600)
    return dict(
        call(
            "marketsim",
            "/_sim/orders/generate",
            json={
                "count": count,
                "coupang": accounts["COUPANG"]["vendor_id"],
                "naver": accounts["NAVER"]["client_id"],
                "elevenst": accounts["ELEVENST"]["seller_id"],
                "paid_from": paid_from.isoformat(),
                "spacing_seconds": spacing,
            },
        )
    )


def collect(
    call: Call, seller_id: str, say: Callable[[str], None], timeout: float = 120.0
) -> dict[str, Any]:
    """주문통합수집 over the last day from every marketplace; polls the job until it ends."""
    start = (datetime.now(UTC) - timedelta(days=1)).isoformat()
    job = call(
        "collector",
        "/collections",
        json={"seller_id": seller_id, "marketplaces": list(MARKETPLACES), "period_from": start},
    )
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = call("collector", f"/collections/{job['job_id']}", method="GET")
        if found["status"] != "RUNNING":
            for problem in found["problems"]:
                say(f"  collection problem: {problem}")
            return dict(found)
        time.sleep(0.3)
    raise TimeoutError(f"collection job {job['job_id']} did not finish in {timeout:.0f}s")


def decide_reviews(call: Call, seller_id: str) -> tuple[int, int]:
    """확인필요, played by a person: the same unit written two ways (`109동 1203호`,
    `109-1203`) is one recipient, merged; another unit in the same building is kept apart.
    Returns (merged, kept apart); (0, 0) when the bundler has no reviews."""
    path = f"/reviews?seller_id={seller_id}&status=PENDING"
    try:
        page = call("bundler", path, method="GET")
    except RuntimeError:
        return 0, 0  # a bundler without the review API
    pending = page["items"]
    while page["next"] is not None:  # a page at a time, by review id
        page = call("bundler", f"{path}&cursor={page['next']}", method="GET")
        pending += page["items"]
    merged = kept = 0
    for review in pending:
        same_unit = _unit(review["a"]["address2"]) == _unit(review["b"]["address2"])
        action = "merge" if same_unit else "keep-apart"
        reason = "same unit written differently" if same_unit else "another unit in the building"
        call(
            "bundler",
            f"/reviews/{review['review_id']}/{action}",
            json={"decided_by": "demo-operator", "reason": reason},
        )
        merged, kept = merged + same_unit, kept + (not same_unit)
    return merged, kept


def _unit(address2: str) -> str:
    return "".join(c for c in address2 if c.isdigit())
