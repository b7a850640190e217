"""Coupang invoice upload (송장업로드) of leased lines, one row per vendorItemId, read back into a
verdict per line; a line whose box already holds another number of ours goes through the
invoice update (송장업데이트, same rows, for boxes DEPARTURE and later) instead. A refusal is checked against the box itself: a box that already carries our
number for that item was pushed before (idempotent re-push), one cancelled there is a CS case."""

from collections.abc import Sequence
from typing import Any

from packline_collector.adapters.coupang_client import CoupangClient
from packline_collector.adapters.http_retry import MarketplaceError, MarketplaceUnavailable
from packline_collector.domain.push import LineKey, PushLine, PushResult, Verdict, chunks
from packline_couriers import UnknownChannelCode, channel_code

ROWS_PER_CALL = 50  # the WING docs give no row limit for invoices; we keep acknowledgement's
CANCELLED_CODES = frozenset({"ORDER_DELIVERY_CANCELED"})
# our code: the box holds no number any more (withdrawn in WING, back to INSTRUCT), so a refused
# update is sent again as an upload
WITHDRAWN = "INVOICE_WITHDRAWN"


def _number(text: str) -> int | str:
    return int(text) if text.isdigit() else text


def _matched(
    batch: Sequence[tuple[PushLine, dict[str, Any]]], answers: list[dict[str, Any]]
) -> list[tuple[PushLine, dict[str, Any] | None]]:
    """Each row's answer: by box and item, or by box alone when the answer names no item (the
    update's documented answer carries only shipmentBoxId) and the box had one row."""
    by_item = {(str(a.get("shipmentBoxId")), str(a.get("vendorItemId"))): a for a in answers}
    by_box: dict[str, list[dict[str, Any]]] = {}
    for a in answers:
        if a.get("vendorItemId") is None:
            by_box.setdefault(str(a.get("shipmentBoxId")), []).append(a)
    matched: list[tuple[PushLine, dict[str, Any] | None]] = []
    for line, _ in batch:
        answer = by_item.get((line.key.marketplace_order_id, line.key.line_id))
        alone = by_box.get(line.key.marketplace_order_id, [])
        rows = sum(
            1
            for other, _ in batch
            if other.key.marketplace_order_id == line.key.marketplace_order_id
        )
        matched.append((line, answer or (alone[0] if len(alone) == 1 and rows == 1 else None)))
    return matched


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
        updates = [(line, row) for line, row in ready if line.replaces]
        for batch in chunks(updates, ROWS_PER_CALL):
            answers = await self.client.update_invoices([row for _, row in batch])
            for line, answer in _matched(batch, answers):
                results[line.key] = await self._verdict(line, answer)
        # an update refused because the number was withdrawn by hand: upload it instead
        uploads = [
            (line, row)
            for line, row in ready
            if not line.replaces or results[line.key].code == WITHDRAWN
        ]
        for batch in chunks(uploads, ROWS_PER_CALL):
            answers = await self.client.upload_invoices([row for _, row in batch])
            for line, answer in _matched(batch, answers):
                results[line.key] = await self._verdict(line, answer, upload=True)
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

    async def _verdict(
        self, line: PushLine, answer: dict[str, Any] | None, upload: bool = False
    ) -> PushResult:
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
        return await self._checked(line, code, message, upload)

    async def _checked(self, line: PushLine, code: str, message: str, upload: bool) -> PushResult:
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
            if not upload and not item.get("invoiceNumber") and box.get("status") == "INSTRUCT":
                return PushResult(Verdict.RETRY, WITHDRAWN, message)
        return PushResult(Verdict.FAILED, code, message)
