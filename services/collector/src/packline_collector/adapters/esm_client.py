"""ESM Trading API (Gmarket and Auction) over httpx. Every request carries a JWT the caller signs
itself with PyJWT (HS256 with the secret key; header kid = ESM+ master id; payload sub "sell",
aud "sa.esmplus.com", iat, ssi "A:<auction seller>,G:<gmarket seller>"). Answers are
`{"ResultCode", "Message", "Data"}`: a non-zero ResultCode is a refusal, 3000 on the order
listing means "at most one call in 5 seconds per site seller" and is waited out (the pace is
PACKLINE_ESM_LISTING_SECONDS)."""

import asyncio
import time
import warnings
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import jwt
from jwt.warnings import InsecureKeyLengthWarning

from packline_collector.adapters.http_retry import (
    MarketplaceError,
    MarketplaceUnavailable,
    RetryPolicy,
    send,
)

SEOUL = ZoneInfo("Asia/Seoul")
AUCTION, GMARKET = 1, 2  # siteType of the order API
SITE_LETTERS = {AUCTION: "A", GMARKET: "G"}
CANCEL_SITE = {AUCTION: 1, GMARKET: 3}  # 취소조회 numbers Gmarket 3
AUDIENCE = "sa.esmplus.com"
ISSUER = "www.esmplus.com"  # the guide's own sample issuer; public integrations send it too
PAGE_SIZE = 100
RATE_LIMITED = 3000
LISTING_INTERVAL = 5.0  # seconds between order listings per site seller (ESM's limit)


class EsmRefused(MarketplaceError):
    """ESM answered with a non-zero ResultCode; the message names the account and the call."""

    def __init__(self, text: str, code: int | str, message: str) -> None:
        super().__init__(text)
        self.code, self.message = code, message


def token(master_id: str, secret: str, sellers: dict[int, str], issued: int) -> str:
    ssi = ",".join(f"{SITE_LETTERS[s]}:{seller}" for s, seller in sorted(sellers.items()))
    payload = {"iss": ISSUER, "sub": "sell", "aud": AUDIENCE, "iat": issued, "ssi": ssi}
    with warnings.catch_warnings():
        # the secret key is the one ESM issued, whatever its length: nothing to warn the log of
        warnings.simplefilter("ignore", InsecureKeyLengthWarning)
        return jwt.encode(payload, secret, algorithm="HS256", headers={"kid": master_id})


def day_minute(moment: datetime) -> str:
    """`YYYY-MM-DD hh:mm` in Seoul time, as the order listing takes a window."""
    return moment.astimezone(SEOUL).strftime("%Y-%m-%d %H:%M")


class EsmClient:
    def __init__(
        self,
        http: httpx.AsyncClient,
        base_url: str,
        master_id: str,
        secret: str,
        sellers: dict[int, str],
        who: str,
        policy: RetryPolicy,
        listing_interval: float = LISTING_INTERVAL,
    ) -> None:
        self._http = http
        self._base = base_url.rstrip("/")
        self.master_id = master_id
        self._secret = secret
        self.sellers = {site: seller for site, seller in sellers.items() if seller}
        self.who = who
        self._policy = policy
        self.listing_interval = listing_interval
        self._last_listing: dict[int, float] = {}

    async def _pace(self, site: int) -> None:
        wait = self._last_listing.get(site, -1e9) + self.listing_interval - time.monotonic()
        if wait > 0:
            await asyncio.sleep(wait)
        self._last_listing[site] = time.monotonic()

    async def _call(self, path: str, what: str, body: Any, listing_site: int = 0) -> Any:
        """Data of a successful answer; EsmRefused for a non-zero ResultCode."""
        for _ in range(self._policy.attempts):
            if listing_site:
                await self._pace(listing_site)

            def build() -> httpx.Request:
                signed = token(self.master_id, self._secret, self.sellers, int(time.time()))
                return self._http.build_request(
                    "POST",
                    f"{self._base}{path}",
                    json=body,
                    headers={"Authorization": f"Bearer {signed}"},
                )

            response = await send(self._http, build, who=self.who, what=what, policy=self._policy)
            try:
                payload = response.json()
            except ValueError:
                payload = None
            if not isinstance(payload, dict) or "ResultCode" not in payload:
                raise MarketplaceError(f"{self.who}: {what} answered with an unexpected shape")
            code, message = payload.get("ResultCode"), str(payload.get("Message") or "")[:300]
            if code in (0, "0"):
                return payload.get("Data")
            if str(code) == str(RATE_LIMITED) and listing_site:
                # paced again before the next try, and never sooner than the retry policy's step
                await asyncio.sleep(self._policy.base_delay)
                continue
            raise EsmRefused(
                f"{self.who}: {what} was refused (ResultCode {code}: {message})", str(code), message
            )
        raise MarketplaceUnavailable(f"{self.who}: {what} stayed rate-limited (ResultCode 3000)")

    async def orders(
        self, site: int, status: int, start: datetime, end: datetime
    ) -> AsyncIterator[list[dict[str, Any]]]:
        """주문조회 of one site and OrderStatus, paid in [start, end] (≤31 days), page by page."""
        index, seen = 1, 0
        while True:
            body = {
                "siteType": site,
                "orderStatus": status,
                "requestDateType": 2,  # 결제완료일
                "requestDateFrom": day_minute(start),
                "requestDateTo": day_minute(end),
                "pageIndex": index,
                "pageSize": PAGE_SIZE,
            }
            data = await self._call(
                "/shipping/v1/Order/RequestOrders", "reading orders", body, listing_site=site
            )
            data = data if isinstance(data, dict) else {}
            rows = [r for r in data.get("RequestOrders") or [] if isinstance(r, dict)]
            yield rows
            seen += len(rows)
            total = data.get("TotalCount")
            if not rows or not isinstance(total, int) or seen >= total:
                return
            index += 1

    async def order(self, site: int, order_no: str) -> dict[str, Any] | None:
        """One order by its number (orderStatus 0: not rate-limited)."""
        body = {"siteType": site, "orderStatus": 0, "orderNo": int(order_no)}
        data = await self._call("/shipping/v1/Order/RequestOrders", "reading an order", body)
        rows = (data or {}).get("RequestOrders") if isinstance(data, dict) else None
        found = [r for r in rows or [] if isinstance(r, dict)]
        return found[0] if found else None

    async def confirm(self, order_no: str) -> dict[str, Any]:
        """주문확인; Data.IsChanged is 1 when the buyer changed the address meanwhile."""
        data = await self._call(
            f"/shipping/v1/Order/OrderCheck/{order_no}", f"confirming order {order_no}", {}
        )
        return data if isinstance(data, dict) else {}

    async def ship(self, order_no: str, courier: int, number: str, when: datetime) -> None:
        """발송처리 of one order number."""
        body = {
            "OrderNo": int(order_no),
            "ShippingDate": when.astimezone(SEOUL).strftime("%Y-%m-%dT%H:%M:%S"),
            "DeliveryCompanyCode": courier,
            "InvoiceNo": number,
        }
        await self._call("/shipping/v1/Delivery/ShippingInfo", f"shipping order {order_no}", body)

    async def cancels(self, site: int, start: datetime, end: datetime) -> list[dict[str, Any]]:
        """취소조회 of one site by request date over whole Seoul days [start, end] (≤7 days)."""
        body = {
            "SiteType": CANCEL_SITE[site],
            "CancelStatus": 0,
            "Type": 2,  # 요청일
            "StartDate": start.astimezone(SEOUL).strftime("%Y-%m-%d"),
            "EndDate": end.astimezone(SEOUL).strftime("%Y-%m-%d"),
        }
        data = await self._call("/claim/v1/sa/Cancels", "reading cancellations", body)
        return [r for r in data or [] if isinstance(r, dict)] if isinstance(data, list) else []
