"""11st 발송처리 (송장 등록) of leased lines, one call per dlvNo (every line of it takes the
number), and the status reader for the mismatch check (주문번호별 배송정보, 100 orders a call).
A refusal is checked against what 11st shows: a dlvNo already holding our number was pushed
before (idempotent), a cancelled one is a CS case. 11st's public guide offers no call that
changes a registered number, so a line holding an older number of ours is only read."""

from collections.abc import Sequence
from datetime import UTC, datetime

from packline_collector.adapters.elevenst_client import ElevenstClient, Row
from packline_collector.adapters.elevenst_mapping import (
    AWAITING_STATUSES,
    CANCELLED_STATUSES,
    line_id,
    ord_no,
)
from packline_collector.adapters.http_retry import MarketplaceError
from packline_collector.domain.mismatch import Observed, ShippedLine
from packline_collector.domain.push import LineKey, PushLine, PushResult, Verdict

# Packline courier → 11st dlvEtprsCd, as 11st's guide lists them (우편등기 is 우체국's code)
COURIER_CODES = {
    "CJGLS": "00034",
    "HYUNDAI": "00012",
    "HANJIN": "00011",
    "EPOST": "00007",
    "REGISTPOST": "00007",
    "KGB": "00002",
    "KDEXP": "00026",
    "DAESIN": "00021",
    "ILYANG": "00022",
    "CHUNIL": "00027",
    "HDEXP": "00035",
    "CVSNET": "00060",
    "CUPARCEL": "00061",
    "CH1": "00099",
}


class ElevenstDispatch:
    def __init__(self, client: ElevenstClient) -> None:
        self.client = client

    async def _now(self, lines: Sequence[PushLine]) -> dict[str, Row]:
        """What 11st shows for these lines now, by line id; {} when it cannot be read."""
        try:
            rows = await self.client.statuses(sorted({ord_no(line.key.line_id) for line in lines}))
        except MarketplaceError:
            return {}
        return {line_id(r): r for r in rows}

    async def push(self, lines: Sequence[PushLine]) -> dict[LineKey, PushResult]:
        results: dict[LineKey, PushResult] = {}
        by_dlv: dict[str, list[PushLine]] = {}
        for line in lines:
            by_dlv.setdefault(line.key.marketplace_order_id, []).append(line)
        for dlv_no, group in by_dlv.items():
            changed = [line for line in group if line.replaces]
            if changed:
                results |= await self._changed(changed)
            fresh = [line for line in group if not line.replaces]
            if not fresh:
                continue
            number = fresh[0].tracking_number
            code = COURIER_CODES.get(fresh[0].courier_code)
            for line in fresh:
                if code is None:
                    results[line.key] = PushResult(
                        Verdict.FAILED,
                        "NO_COURIER_CODE",
                        f"11st has no code for courier {line.courier_code}",
                    )
                elif line.tracking_number != number:
                    results[line.key] = PushResult(
                        Verdict.FAILED,
                        "ONE_NUMBER_PER_DLVNO",
                        f"dlvNo {dlv_no} takes one number; {number} was sent for it",
                    )
            if code is None:
                continue
            result, text = await self.client.deliver(dlv_no, code, number, datetime.now(UTC))
            sent = [line for line in fresh if line.tracking_number == number]
            if result == "0":
                results |= {line.key: PushResult(Verdict.SENT, "OK") for line in sent}
            else:
                results |= await self._checked(sent, result, text)
        return results

    async def _checked(
        self, lines: list[PushLine], code: str, text: str
    ) -> dict[LineKey, PushResult]:
        """A refused dlvNo read again: holding our number already, or cancelled there?"""
        now = await self._now(lines)
        results: dict[LineKey, PushResult] = {}
        for line in lines:
            row = now.get(line.key.line_id, {})
            if row.get("invcNo") == line.tracking_number:
                results[line.key] = PushResult(Verdict.SENT, code, "already sent with this number")
            elif row.get("ordPrdStat") in CANCELLED_STATUSES:
                results[line.key] = PushResult(Verdict.CANCELLED, code, text[:500])
            else:
                results[line.key] = PushResult(Verdict.FAILED, code or "NO_RESULT", text[:500])
        return results

    async def _changed(self, lines: list[PushLine]) -> dict[LineKey, PushResult]:
        now = await self._now(lines)
        results: dict[LineKey, PushResult] = {}
        for line in lines:
            if now.get(line.key.line_id, {}).get("invcNo") == line.tracking_number:
                results[line.key] = PushResult(Verdict.SENT, "OK", "changed at 11st already")
            else:
                results[line.key] = PushResult(
                    Verdict.BY_HAND,
                    "NUMBER_CHANGE_BY_HAND",
                    f"11st holds {line.held_number}; change it to {line.tracking_number} in "
                    "the seller office",
                )
        return results


class ElevenstStatus:
    def __init__(self, client: ElevenstClient) -> None:
        self.client = client

    async def read(self, lines: Sequence[ShippedLine], since: datetime) -> dict[LineKey, Observed]:
        rows = await self.client.statuses(sorted({ord_no(line.key.line_id) for line in lines}))
        by_line = {line_id(r): r for r in rows}
        seen: dict[LineKey, Observed] = {}
        for line in lines:
            row = by_line.get(line.key.line_id)
            if row is None or row.get("dlvNo") != line.key.marketplace_order_id:
                continue
            status = row.get("ordPrdStat", "")
            cancelled_qty = row.get("ordCnQty", "0")
            seen[line.key] = Observed(
                status=status,
                awaiting_shipment=status in AWAITING_STATUSES,
                cancelled=status in CANCELLED_STATUSES
                or status == "A01"
                or (cancelled_qty.isdigit() and int(cancelled_qty) > 0),
                tracking_number=row.get("invcNo", ""),
            )
        return seen
