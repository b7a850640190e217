"""Naver Commerce API over httpx: a 3-hour token, last-changed statuses (paged with `more`),
product-order details (300 a call) and 발주확인 (30 a call)."""

import asyncio
import time
from collections.abc import AsyncIterator, Sequence
from datetime import datetime
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import httpx

from packline_collector.adapters.http_retry import (
    AuthenticationFailed,
    MarketplaceError,
    RetryPolicy,
    send,
)
from packline_collector.adapters.naver_signing import BadClientSecret, client_secret_sign

SEOUL = ZoneInfo("Asia/Seoul")
ORDERS = "/external/v1/pay-order/seller/product-orders"
MAX_QUERY, MAX_CONFIRM = 300, 30
RENEW_BEFORE = 300.0  # seconds: a token this close to expiry is renewed first


def stamp(moment: datetime) -> str:
    local = moment.astimezone(SEOUL)
    return local.strftime("%Y-%m-%dT%H:%M:%S.") + f"{local.microsecond // 1000:03d}+09:00"


class NaverClient:
    def __init__(
        self,
        http: httpx.AsyncClient,
        base_url: str,
        client_id: str,
        client_secret: str,
        who: str,
        policy: RetryPolicy,
    ) -> None:
        self._http = http
        self._base = base_url.rstrip("/")
        self.client_id = client_id
        self._secret = client_secret
        self.who = who
        self._policy = policy
        self._token = ""
        self._expires = 0.0

    async def _fresh_token(self) -> str:
        if self._token and self._expires - time.monotonic() > RENEW_BEFORE:
            return self._token

        def build() -> httpx.Request:
            stamp_ms = int(time.time() * 1000)
            try:
                sign = client_secret_sign(self.client_id, stamp_ms, self._secret)
            except BadClientSecret as exc:
                raise AuthenticationFailed(f"{self.who}: {exc}") from exc
            form = {
                "client_id": self.client_id,
                "timestamp": str(stamp_ms),
                "type": "SELF",
                "grant_type": "client_credentials",
                "client_secret_sign": sign,
            }
            return self._http.build_request(
                "POST", f"{self._base}/external/v1/oauth2/token", data=form
            )

        # bcrypt takes a moment; keep the event loop free meanwhile
        request = await asyncio.to_thread(build)
        response = await send(
            self._http, lambda: request, who=self.who, what="token request", policy=self._policy
        )
        body = response.json()
        self._token = str(body.get("access_token", ""))
        self._expires = time.monotonic() + float(body.get("expires_in", 0))
        if not self._token:
            raise AuthenticationFailed(f"{self.who}: the token answer held no access_token")
        return self._token

    async def _call(
        self,
        method: str,
        path: str,
        what: str,
        params: dict[str, str] | None = None,
        body: Any = None,
    ) -> Any:
        for attempt in (1, 2):
            token = await self._fresh_token()
            url = f"{self._base}{path}" + (f"?{urlencode(params)}" if params else "")

            def build(token: str = token, url: str = url) -> httpx.Request:
                return self._http.build_request(
                    method, url, json=body, headers={"Authorization": f"Bearer {token}"}
                )

            try:
                response = await send(
                    self._http, build, who=self.who, what=what, policy=self._policy
                )
            except AuthenticationFailed:
                if attempt == 2:
                    raise
                self._token = ""  # revoked or expired early: one new token, then give up
                continue
            payload = response.json()
            if not isinstance(payload, dict):
                raise MarketplaceError(f"{self.who}: {what} answered with an unexpected shape")
            return payload.get("data")
        raise AssertionError("unreachable")

    async def changes(self, start: datetime, end: datetime) -> AsyncIterator[list[dict[str, Any]]]:
        """last-changed-statuses over [start, end) (≤24 h), every change type, following
        `more{moreFrom, moreSequence}` to the end."""
        params = {"lastChangedFrom": stamp(start), "lastChangedTo": stamp(end)}
        while True:
            data = await self._call(
                "GET", f"{ORDERS}/last-changed-statuses", "reading changed orders", params
            )
            data = data if isinstance(data, dict) else {}
            yield list(data.get("lastChangeStatuses") or [])
            more = data.get("more")
            if not more:
                return
            params = {
                **params,
                "lastChangedFrom": str(more["moreFrom"]),
                "moreSequence": str(more["moreSequence"]),
            }

    async def product_orders(self, ids: Sequence[str]) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        for i in range(0, len(ids), MAX_QUERY):
            body = {"productOrderIds": list(ids[i : i + MAX_QUERY])}
            found.extend(
                await self._call("POST", f"{ORDERS}/query", "reading product orders", body=body)
                or []
            )
        return found

    async def confirm(
        self, ids: Sequence[str]
    ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """발주확인; returns (successProductOrderInfos, failProductOrderInfos)."""
        success: list[dict[str, Any]] = []
        fail: list[dict[str, Any]] = []
        for i in range(0, len(ids), MAX_CONFIRM):
            body = {"productOrderIds": list(ids[i : i + MAX_CONFIRM])}
            data = (
                await self._call(
                    "POST", f"{ORDERS}/confirm", "confirming product orders", body=body
                )
                or {}
            )
            success.extend(data.get("successProductOrderInfos") or [])
            fail.extend(data.get("failProductOrderInfos") or [])
        return success, fail

    async def dispatch(
        self, rows: Sequence[dict[str, Any]]
    ) -> tuple[list[str], list[dict[str, Any]]]:
        """발송처리 of ≤30 product orders; returns (successProductOrderIds,
        failProductOrderInfos)."""
        body = {"dispatchProductOrders": list(rows)}
        data = (
            await self._call("POST", f"{ORDERS}/dispatch", "dispatching product orders", body=body)
            or {}
        )
        success = [str(i) for i in data.get("successProductOrderIds") or []]
        return success, list(data.get("failProductOrderInfos") or [])
