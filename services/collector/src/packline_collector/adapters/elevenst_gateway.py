"""Collecting one 11st account: the 결제완료 and 배송준비중 lists in windows of at most 7 days
(a longer period is split), 발주확인 of every new line (one call a line, as 11st offers it),
and the buyers' cancel requests (≤30 days a call) from the claims cursor on. A dlvNo whose every
line is cancelled is reported cancelled, however old; one only partly cancelled outside the
listed period is named as a problem (11st's status call carries no prices to rebuild it)."""

from datetime import datetime, timedelta

from packline_collector.adapters.elevenst_client import ElevenstClient, Row
from packline_collector.adapters.elevenst_mapping import (
    CANCELLED_STATUSES,
    bundles,
    cancelled_bundle,
    line_id,
    read_bundle,
)
from packline_collector.domain.remote import Fetched, MappingError, Progress, windows

WINDOW = timedelta(days=7)
CLAIMS_WINDOW = timedelta(days=30)


class ElevenstGateway:
    def __init__(self, client: ElevenstClient, seller_id: str) -> None:
        self.client = client
        self.seller_id = seller_id

    async def fetch(
        self,
        start: datetime,
        end: datetime,
        progress: Progress,
        claims_from: datetime | None = None,
    ) -> Fetched:
        fetched = Fetched()
        paid: list[Row] = []
        confirmed: list[Row] = []
        for w_start, w_end in windows(start, end, WINDOW):
            paid += await self.client.paid(w_start, w_end)
            confirmed += await self.client.packaging(w_start, w_end)
            await progress(len(paid) + len(confirmed))
        cancels = await self._cancel_requests(min(start, claims_from or start), end)
        held = frozenset(cancels)
        listed = bundles([*paid, *confirmed])
        new = {line_id(r) for r in paid}
        for dlv_no, rows in listed.items():
            try:
                remote = read_bundle(dlv_no, rows, self.seller_id, held)
            except MappingError as exc:
                fetched.problems.append(f"{self.client.who}: {exc}")
                continue
            if remote.order is not None and new & {r.line_id for r in remote.order.lines}:
                if await self._confirm([r for r in rows if line_id(r) in new], fetched):
                    fetched.acknowledged += 1
            fetched.add(remote)
        await self._cancelled_elsewhere(cancels, set(listed), fetched)
        await progress(len(fetched.orders))
        fetched.claims_read_to = end
        return fetched

    async def _confirm(self, rows: list[Row], fetched: Fetched) -> bool:
        """발주확인 of the new lines of one dlvNo; True when all were confirmed."""
        done = True
        for row in rows:
            code, text = await self.client.confirm(row)
            if code != "0":
                done = False
                fetched.problems.append(
                    f"{self.client.who}: order {row.get('ordNo')} line {row.get('ordPrdSeq')} "
                    f"not confirmed ({code}: {text})"
                )
        return done

    async def _cancel_requests(self, start: datetime, end: datetime) -> dict[str, Row]:
        """The cancel requests made in the period, by our line id."""
        found: dict[str, Row] = {}
        for w_start, w_end in windows(start, end, CLAIMS_WINDOW):
            for row in await self.client.cancel_requests(w_start, w_end):
                if row.get("ordCnStatCd") in ("01", "02"):
                    found[line_id(row)] = row
        return found

    async def _cancelled_elsewhere(
        self, cancels: dict[str, Row], listed: set[str], fetched: Fetched
    ) -> None:
        """dlvNos with a cancel request that the lists did not show: read by ordNo."""
        outside = {r.get("dlvNo", ""): r.get("ordNo", "") for r in cancels.values()}
        outside = {d: o for d, o in outside.items() if d not in listed and d.isdigit()}
        if not outside:
            return
        statuses = bundles(await self.client.statuses(sorted(set(outside.values()))))
        for dlv_no in outside:
            lines = statuses.get(dlv_no, [])
            gone = [
                r
                for r in lines
                if r.get("ordPrdStat") in CANCELLED_STATUSES or line_id(r) in cancels
            ]
            if lines and len(gone) == len(lines):
                claim = (
                    "취소완료" if all(r.get("ordPrdStat") == "B01" for r in lines) else "취소요청"
                )
                ids = tuple(line_id(r) for r in lines)
                fetched.add(cancelled_bundle(dlv_no, self.seller_id, ids, claim))
            elif gone:
                fetched.problems.append(
                    f"{self.client.who}: dlvNo {dlv_no} is partly cancelled at 11st "
                    f"({', '.join(line_id(r) for r in gone)}); collect the period it was paid in"
                )
