"""Naver dispatch (발송처리) of leased lines, 30 product orders a call, read back into a verdict
per line. A refusal is checked against the product order itself: one already dispatched with our
number was pushed before (idempotent re-push), one cancelled there is a CS case. Naver's public
API documents no call that changes a dispatched number, so a line whose product order holds an
older number of ours is only read: if a person already changed it there, it is SENT; else a
CS case asks for the change in the seller centre."""

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from packline_collector.adapters.http_retry import MarketplaceError
from packline_collector.adapters.naver_client import NaverClient, stamp
from packline_collector.domain.push import LineKey, PushLine, PushResult, Verdict, chunks
from packline_couriers import UnknownChannelCode, channel_code

ROWS_PER_CALL = 30
# Naver documents the shape of failProductOrderInfos, not its codes; these are what its
# simulator answers for a product order cancelled (or being cancelled) by the buyer.
CANCELLED_CODES = frozenset({"CANCELED", "CANCEL_REQUESTED"})
CANCELLED_STATUSES = frozenset({"CANCELED", "CANCELED_BY_NOPAYMENT"})


class NaverDispatch:
    def __init__(self, client: NaverClient) -> None:
        self.client = client

    async def push(self, lines: Sequence[PushLine]) -> dict[LineKey, PushResult]:
        results: dict[LineKey, PushResult] = {}
        ready: list[tuple[PushLine, dict[str, Any]]] = []
        changed = [line for line in lines if line.replaces]
        results |= await self._changed(changed)
        for line in lines:
            if line.replaces:
                continue
            try:
                code = channel_code(line.courier_code, "NAVER")
            except UnknownChannelCode as exc:
                results[line.key] = PushResult(Verdict.FAILED, "NO_COURIER_CODE", str(exc))
                continue
            row = {
                "productOrderId": line.key.marketplace_order_id,
                "deliveryMethod": "DELIVERY",
                "deliveryCompanyCode": code,
                "trackingNumber": line.tracking_number,
                "dispatchDate": stamp(datetime.now(UTC)),
            }
            ready.append((line, row))
        for batch in chunks(ready, ROWS_PER_CALL):
            success, fail = await self.client.dispatch([row for _, row in batch])
            failed = {str(f.get("productOrderId")): f for f in fail}
            refused: list[tuple[PushLine, str, str]] = []
            for line, _ in batch:
                po_id = line.key.marketplace_order_id
                if po_id in success:
                    results[line.key] = PushResult(Verdict.SENT, "OK")
                    continue
                info = failed.get(po_id, {})
                code = str(info.get("code") or "NO_RESULT")
                message = str(info.get("message") or code)[:500]
                if code in CANCELLED_CODES:
                    results[line.key] = PushResult(Verdict.CANCELLED, code, message)
                else:
                    refused.append((line, code, message))
            results |= await self._checked(refused)
        return results

    async def _changed(self, lines: list[PushLine]) -> dict[LineKey, PushResult]:
        if not lines:
            return {}
        found = await self.client.product_orders([line.key.marketplace_order_id for line in lines])
        now = {str((r.get("productOrder") or {}).get("productOrderId")): r for r in found}
        results: dict[LineKey, PushResult] = {}
        for line in lines:
            delivery = (now.get(line.key.marketplace_order_id) or {}).get("delivery") or {}
            if str(delivery.get("trackingNumber") or "") == line.tracking_number:
                results[line.key] = PushResult(Verdict.SENT, "OK", "changed at Naver already")
            else:
                results[line.key] = PushResult(
                    Verdict.BY_HAND,
                    "NUMBER_CHANGE_BY_HAND",
                    f"Naver holds {line.held_number}; change it to {line.tracking_number} in "
                    "the seller centre",
                )
        return results

    async def _checked(self, refused: list[tuple[PushLine, str, str]]) -> dict[LineKey, PushResult]:
        """Refused lines read again: dispatched with our number already, or cancelled there?"""
        if not refused:
            return {}
        try:
            found = await self.client.product_orders(
                [line.key.marketplace_order_id for line, _, _ in refused]
            )
        except MarketplaceError:
            found = []
        now = {str((r.get("productOrder") or {}).get("productOrderId")): r for r in found}
        results: dict[LineKey, PushResult] = {}
        for line, code, message in refused:
            row = now.get(line.key.marketplace_order_id) or {}
            delivery = row.get("delivery") or {}
            product_order = row.get("productOrder") or {}
            if str(delivery.get("trackingNumber") or "") == line.tracking_number:
                results[line.key] = PushResult(
                    Verdict.SENT, code, "already dispatched with this number"
                )
            elif (
                product_order.get("productOrderStatus") in CANCELLED_STATUSES
                or product_order.get("claimType") == "CANCEL"
            ):
                results[line.key] = PushResult(Verdict.CANCELLED, code, message)
            else:
                results[line.key] = PushResult(Verdict.FAILED, code, message)
        return results
