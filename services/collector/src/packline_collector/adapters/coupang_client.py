"""Coupang WING Open API over httpx: order sheets (paged to the end), one box, acknowledgement,
and the return/cancel receipts (returnRequests, paged to the end), invoice upload and update."""

from collections.abc import AsyncIterator, Sequence
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import httpx

from packline_collector.adapters.coupang_signing import authorization
from packline_collector.adapters.http_retry import MarketplaceError, RetryPolicy, send

SEOUL = ZoneInfo("Asia/Seoul")
BASE = "/v2/providers/openapi/apis/api"
MAX_PER_PAGE = 50
MAX_ACKNOWLEDGE = 50
DAY = timedelta(hours=24)  # the longest searchType=timeFrame window


class CoupangClient:
    def __init__(
        self,
        http: httpx.AsyncClient,
        base_url: str,
        vendor_id: str,
        access_key: str,
        secret_key: str,
        who: str,
        policy: RetryPolicy,
        version: int = 5,
    ) -> None:
        self._http = http
        self._base = base_url.rstrip("/")
        self.vendor_id = vendor_id
        self._access_key = access_key
        self._secret_key = secret_key
        self.who = who
        self._policy = policy
        self.version = version

    async def _call(
        self,
        method: str,
        path: str,
        what: str,
        params: dict[str, str] | None = None,
        body: Any = None,
    ) -> dict[str, Any]:
        query = urlencode(params or {})

        def build() -> httpx.Request:
            # signed anew on every attempt: the signature carries the time
            header = authorization(self._access_key, self._secret_key, method, path, query)
            url = f"{self._base}{path}" + (f"?{query}" if query else "")
            return self._http.build_request(
                method,
                url,
                json=body,
                headers={"Authorization": header, "X-Requested-By": self.vendor_id},
            )

        response = await send(self._http, build, who=self.who, what=what, policy=self._policy)
        try:
            payload = response.json()
        except ValueError as exc:
            raise MarketplaceError(f"{self.who}: {what} answered with something not JSON") from exc
        if not isinstance(payload, dict):
            raise MarketplaceError(f"{self.who}: {what} answered with an unexpected shape")
        return payload

    def _stamp(self, moment: datetime, time_frame: bool, version: int | None = None) -> str:
        local = moment.astimezone(SEOUL)
        text = local.strftime("%Y-%m-%dT%H:%M" if time_frame else "%Y-%m-%d")
        return text + ("+09:00" if (version or self.version) == 5 else "")

    async def ordersheets(
        self, start: datetime, end: datetime, status: str, time_frame: bool
    ) -> AsyncIterator[list[dict[str, Any]]]:
        """Pages of boxes ordered in [start, end] (days ≤31, or minutes ≤24 h), until nextToken
        comes back empty."""
        path = f"{BASE}/v{self.version}/vendors/{self.vendor_id}/ordersheets"
        token = ""
        while True:
            params = {
                "createdAtFrom": self._stamp(start, time_frame),
                "createdAtTo": self._stamp(end, time_frame),
                "status": status,
                "maxPerPage": str(MAX_PER_PAGE),
            }
            if time_frame:
                params["searchType"] = "timeFrame"
            if token:
                params["nextToken"] = token
            page = await self._call("GET", path, f"listing {status} order sheets", params)
            data = page.get("data") or []
            if not isinstance(data, list):
                raise MarketplaceError(f"{self.who}: order sheets came without a data list")
            yield data
            token = str(page.get("nextToken") or "")
            if not token:
                return

    async def return_requests(
        self, start: datetime, end: datetime, cancel_type: str, status: str, time_frame: bool
    ) -> AsyncIterator[list[dict[str, Any]]]:
        """Pages of 반품/취소 receipts made in [start, end] (days ≤31, or minutes ≤24 h), of
        cancelType RETURN (with a status: RU, UC, CC, PR) or CANCEL (without one)."""
        path = f"{BASE}/v4/vendors/{self.vendor_id}/returnRequests"
        if time_frame:  # minutes: the minute `end` falls in is asked for whole
            end = min(end.replace(second=0, microsecond=0) + timedelta(minutes=1), start + DAY)
        token = ""
        while True:
            params = {
                "createdAtFrom": self._stamp(start, time_frame, 4),
                "createdAtTo": self._stamp(end, time_frame, 4),
                "cancelType": cancel_type,
                "maxPerPage": str(MAX_PER_PAGE),
            }
            if status:
                params["status"] = status
            if time_frame:
                params["searchType"] = "timeFrame"
            if token:
                params["nextToken"] = token
            what = f"listing {cancel_type} receipts" + (f" ({status})" if status else "")
            page = await self._call("GET", path, what, params)
            data = page.get("data") or []
            if not isinstance(data, list):
                raise MarketplaceError(f"{self.who}: {what} came without a data list")
            yield data
            token = str(page.get("nextToken") or "")
            if not token:
                return

    async def ordersheet(self, shipment_box_id: str) -> dict[str, Any]:
        path = f"{BASE}/v{self.version}/vendors/{self.vendor_id}/ordersheets/{shipment_box_id}"
        data = (await self._call("GET", path, f"reading box {shipment_box_id}")).get("data")
        if isinstance(data, list):  # some versions wrap the one box in a list
            data = data[0] if data else None
        if not isinstance(data, dict):
            raise MarketplaceError(f"{self.who}: box {shipment_box_id} came back empty")
        return data

    async def acknowledge(self, shipment_box_ids: Sequence[str]) -> list[dict[str, Any]]:
        """발주확인 (ACCEPT → INSTRUCT), 50 boxes a call; one result per box."""
        path = f"{BASE}/v4/vendors/{self.vendor_id}/ordersheets/acknowledgement"
        results: list[dict[str, Any]] = []
        for i in range(0, len(shipment_box_ids), MAX_ACKNOWLEDGE):
            chunk = [int(b) for b in shipment_box_ids[i : i + MAX_ACKNOWLEDGE]]
            body = {"vendorId": self.vendor_id, "shipmentBoxIds": chunk}
            answer = await self._call("PATCH", path, "acknowledging boxes", body=body)
            results.extend((answer.get("data") or {}).get("responseList") or [])
        return results

    async def upload_invoices(self, rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
        """송장업로드: one row per vendorItemId; one result per row (`resultCode`)."""
        path = f"{BASE}/v4/vendors/{self.vendor_id}/orders/invoices"
        body = {"vendorId": self.vendor_id, "orderSheetInvoiceApplyDtos": list(rows)}
        answer = await self._call("POST", path, "uploading invoices", body=body)
        data = answer.get("data") or {}
        return list(data.get("responseList") or []) if isinstance(data, dict) else []

    async def update_invoices(self, rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
        """송장업데이트: another number for an item already uploaded (boxes DEPARTURE and
        later); the same rows as the upload, one result per row."""
        path = f"{BASE}/v4/vendors/{self.vendor_id}/orders/updateInvoices"
        body = {"vendorId": self.vendor_id, "orderSheetInvoiceApplyDtos": list(rows)}
        answer = await self._call("POST", path, "updating invoices", body=body)
        data = answer.get("data") or {}
        return list(data.get("responseList") or []) if isinstance(data, dict) else []
