"""ESM 발송처리 of leased lines, one order number a call, and the ESM status reader for the
상태 불일치 check. A refused line is read again: shipped with our number already is SENT (a
re-push), cancelled at ESM (취소조회 of the last 7 days) a CS case, else FAILED with ESM's own
ResultCode and message. ESM's public API offers no call that changes a shipped number, so a line
whose order holds an older number of ours is only read (SENT if a person changed it in ESM+)."""

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from packline_collector.adapters.esm_client import AUCTION, GMARKET, EsmClient, EsmRefused
from packline_collector.adapters.esm_gateway import CANCEL_WINDOW
from packline_collector.adapters.http_retry import MarketplaceError, MarketplaceUnavailable
from packline_collector.domain.mismatch import Observed, ShippedLine
from packline_collector.domain.push import LineKey, PushLine, PushResult, Verdict
from packline_collector.domain.remote import windows

# ESM's 택배사 코드 (GET /item/v1/shipping/delivery-company) for Packline's couriers
COURIERS = {"KGB": 10003, "EPOST": 10005, "HANJIN": 10007, "HYUNDAI": 10008, "CJGLS": 10013}
AWAITING = {1, 2}
CANCELLED = frozenset({1, 2, 3})  # CancelStatus 요청, 처리중, 완료 (4 철회 is not)


def site_of(marketplace: str) -> int:
    return GMARKET if marketplace == "GMARKET" else AUCTION


async def cancelled_orders(client: EsmClient, site: int, since: datetime) -> set[str]:
    found: set[str] = set()
    for start, end in windows(since, datetime.now(UTC), CANCEL_WINDOW):
        for row in await client.cancels(site, start, end):
            if row.get("CancelStatus") in CANCELLED:
                found.add(str(row.get("OrderNo")))
    return found


class EsmShipping:
    def __init__(self, client: EsmClient) -> None:
        self.client = client
        self._cancelled: dict[int, set[str]] = {}

    async def push(self, lines: Sequence[PushLine]) -> dict[LineKey, PushResult]:
        results: dict[LineKey, PushResult] = {}
        for line in lines:
            results[line.key] = await self._one(line)
        return results

    async def _one(self, line: PushLine) -> PushResult:
        site, order_no = site_of(line.key.marketplace), line.key.marketplace_order_id
        if site not in self.client.sellers:
            return PushResult(
                Verdict.FAILED,
                "NO_SITE_SELLER",
                f"{self.client.who} has no {line.key.marketplace} seller id",
            )
        if line.replaces:
            row = await self.client.order(site, order_no) or {}
            if str(row.get("NoSongjang") or "") == line.tracking_number:
                return PushResult(Verdict.SENT, "OK", "changed at ESM already")
            return PushResult(
                Verdict.BY_HAND,
                "NUMBER_CHANGE_BY_HAND",
                f"ESM holds {line.held_number}; change it to {line.tracking_number} in ESM+",
            )
        courier = COURIERS.get(line.courier_code)
        if courier is None:
            return PushResult(
                Verdict.FAILED, "NO_COURIER_CODE", f"no ESM courier code for {line.courier_code}"
            )
        try:
            await self.client.ship(order_no, courier, line.tracking_number, datetime.now(UTC))
        except EsmRefused as exc:
            return await self._checked(line, site, str(exc.code), exc.message)
        return PushResult(Verdict.SENT, "OK")

    async def _checked(self, line: PushLine, site: int, code: str, message: str) -> PushResult:
        order_no = line.key.marketplace_order_id
        try:
            row = await self.client.order(site, order_no) or {}
            if site not in self._cancelled:
                since = datetime.now(UTC) - CANCEL_WINDOW
                self._cancelled[site] = await cancelled_orders(self.client, site, since)
        except MarketplaceUnavailable:
            raise
        except MarketplaceError:
            row = {}
        if str(row.get("NoSongjang") or "") == line.tracking_number:
            return PushResult(Verdict.SENT, code, "already shipped with this number")
        if order_no in self._cancelled.get(site, set()):
            return PushResult(Verdict.CANCELLED, code, message)
        return PushResult(Verdict.FAILED, code, message)


class EsmStatus:
    def __init__(self, client: EsmClient) -> None:
        self.client = client

    async def read(self, lines: Sequence[ShippedLine], since: datetime) -> dict[LineKey, Observed]:
        seen: dict[LineKey, Observed] = {}
        cancelled: dict[int, set[str]] = {}
        for line in lines:
            site, order_no = site_of(line.key.marketplace), line.key.marketplace_order_id
            if site not in self.client.sellers:
                continue
            if site not in cancelled:
                start = min(since, datetime.now(UTC) - timedelta(days=1))
                cancelled[site] = await cancelled_orders(self.client, site, start)
            try:
                row: dict[str, Any] | None = await self.client.order(site, order_no)
            except MarketplaceUnavailable:
                raise
            except MarketplaceError:
                row = None
            if row is None:
                continue
            status = row.get("OrderStatus")
            seen[line.key] = Observed(
                status=str(status),
                awaiting_shipment=status in AWAITING,
                cancelled=order_no in cancelled[site],
                tracking_number=str(row.get("NoSongjang") or ""),
            )
        return seen
