"""Coupang invoice upload (송장업로드) of leased lines, one row per vendorItemId, read back into a
verdict per line. A refusal is checked against the box itself: a box that already carries our
number for that item was pushed before (idempotent re-push), one cancelled there is a CS case."""

from collections.abc import Sequence
from typing import Any

from packline_collector.adapters.coupang_client import CoupangClient
from packline_collector.adapters.http_retry import MarketplaceError, MarketplaceUnavailable
from packline_collector.domain.push import LineKey, PushLine, PushResult, Verdict, chunks
from packline_couriers import UnknownChannelCode, channel_code

ROWS_PER_CALL = 50  # the WING docs give no row limit for invoices; we keep acknowledgement's
CANCELLED_CODES = frozenset({"ORDER_DELIVERY_CANCELED"})


def _number(text: str) -> int | str:
    return int(text) if text.isdigit() else text


class CoupangInvoices:
    def __init__(self, client: CoupangClient) -> None:
        self.client = client

    async def push(self, lines: Sequence[PushLine]) -> dict[LineKey, PushResult]:
        results: dict[LineKey, PushResult] = {}
        ready: list[tuple[PushLine, dict[str, Any]]] = []
        order_nos: dict[str, str] = {}
        for line in lines:
            try:
                row = await self._row(line, order_nos)
            except UnknownChannelCode as exc:
                results[line.key] = PushResult(Verdict.FAILED, "NO_COURIER_CODE", str(exc))
                continue
            except MarketplaceUnavailable:
                raise
            except MarketplaceError as exc:  # the box could not be read for its orderId
                results[line.key] = PushResult(Verdict.FAILED, "NO_ORDER_ID", str(exc))
                continue
            ready.append((line, row))
        for batch in chunks(ready, ROWS_PER_CALL):
            answers = await self.client.upload_invoices([row for _, row in batch])
            by_item = {
                (str(a.get("shipmentBoxId")), str(a.get("vendorItemId"))): a for a in answers
            }
            for line, _ in batch:
                answer = by_item.get((line.key.marketplace_order_id, line.key.line_id))
                results[line.key] = await self._verdict(line, answer)
        return results

    async def _row(self, line: PushLine, order_nos: dict[str, str]) -> dict[str, Any]:
        box = line.key.marketplace_order_id
        code = channel_code(line.courier_code, "COUPANG")
        order_no = line.marketplace_order_no or order_nos.get(box, "")
        if not order_no:  # collected before order numbers were kept: read it from the box
            order_no = str((await self.client.ordersheet(box)).get("orderId") or "")
            order_nos[box] = order_no
        return {
            "shipmentBoxId": _number(box),
            "orderId": _number(order_no),
            "vendorItemId": _number(line.key.line_id),
            "deliveryCompanyCode": code,
            "invoiceNumber": line.tracking_number,
            "splitShipping": False,
            "preSplitShipped": False,
            "estimatedShippingDate": "",
        }

    async def _verdict(self, line: PushLine, answer: dict[str, Any] | None) -> PushResult:
        if answer is None:
            return PushResult(Verdict.FAILED, "NO_RESULT", "Coupang answered no row for this item")
        code = str(answer.get("resultCode") or "")
        message = str(answer.get("resultMessage") or code)[:500]
        if answer.get("succeed") is True or code == "OK":
            return PushResult(Verdict.SENT, "OK")
        if code in CANCELLED_CODES:
            return PushResult(Verdict.CANCELLED, code, message)
        if answer.get("retryRequired") is True:
            return PushResult(Verdict.RETRY, code, message)
        return await self._checked(line, code, message)

    async def _checked(self, line: PushLine, code: str, message: str) -> PushResult:
        """NOT_ALLOW_INVOICE_NUMBER_RE_UPLOAD, INVALID_STATUS…: does the box hold our number?"""
        try:
            box = await self.client.ordersheet(line.key.marketplace_order_id)
        except MarketplaceError:
            return PushResult(Verdict.FAILED, code, message)
        for item in box.get("orderItems") or []:
            if str(item.get("vendorItemId")) != line.key.line_id:
                continue
            if str(item.get("invoiceNumber") or "") == line.tracking_number:
                return PushResult(Verdict.SENT, code, "already uploaded with this number")
            if item.get("canceled") is True:
                return PushResult(Verdict.CANCELLED, code, message)
        return PushResult(Verdict.FAILED, code, message)
