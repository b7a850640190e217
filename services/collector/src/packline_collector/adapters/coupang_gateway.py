"""Collecting one Coupang account: list ACCEPT and INSTRUCT boxes to the last page, acknowledge
the new ones (발주확인), then re-read them, since the buyer may change the address while ACCEPT.
Then the return/cancel receipts made from the claims cursor (or the period's start) to its end,
in windows of ≤31 days (or ≤24 h by the minute): every box they name that the listing did not
show (ordered before the period, or already shipped) is read as it is now."""

import asyncio
import dataclasses
from datetime import datetime, timedelta
from typing import Any

from packline_collector.adapters.coupang_claims import QUERIES, claimed_boxes
from packline_collector.adapters.coupang_client import CoupangClient
from packline_collector.adapters.coupang_mapping import read_box
from packline_collector.adapters.http_retry import MarketplaceError
from packline_collector.domain.remote import (
    ELSEWHERE,
    Fetched,
    MappingError,
    Progress,
    RemoteOrder,
)

DAY_WINDOW = timedelta(days=30)  # Coupang allows 31 days a call; whole days are listed
ACK_ATTEMPTS = 3
REREAD_CONCURRENCY = 8


class CoupangGateway:
    def __init__(self, client: CoupangClient, seller_id: str) -> None:
        self.client = client
        self.seller_id = seller_id

    def _windows(self, start: datetime, end: datetime) -> list[tuple[datetime, datetime, bool]]:
        if end - start <= timedelta(hours=24):
            return [(start, end, True)]  # searchType=timeFrame: minutes within 24 hours
        windows, cursor = [], start
        while cursor <= end:
            windows.append((cursor, min(end, cursor + DAY_WINDOW), False))
            cursor += DAY_WINDOW + timedelta(days=1)
        return windows

    def _read(self, box: dict[str, Any], fetched: Fetched) -> RemoteOrder | None:
        try:
            remote = read_box(box, self.seller_id)
        except MappingError as exc:
            fetched.problems.append(f"{self.client.who}: {exc}")
            return None
        fetched.add(remote)
        return remote

    async def fetch(
        self,
        start: datetime,
        end: datetime,
        progress: Progress,
        claims_from: datetime | None = None,
    ) -> Fetched:
        fetched = Fetched()
        accepted: list[str] = []
        for status in ("ACCEPT", "INSTRUCT"):
            for w_start, w_end, time_frame in self._windows(start, end):
                async for page in self.client.ordersheets(w_start, w_end, status, time_frame):
                    for box in page:
                        remote = self._read(box, fetched)
                        if status == "ACCEPT" and remote and remote.order is not None:
                            accepted.append(remote.ref.marketplace_order_id)
                    await progress(len(fetched.orders))
        if accepted:
            acknowledged = await self._acknowledge(accepted, fetched)
            fetched.acknowledged = len(acknowledged)
            await self._reread(acknowledged, fetched)
        if await self._claims(claims_from or start, end, fetched):
            fetched.claims_read_to = end
        await progress(len(fetched.orders))
        return fetched

    async def _claims(self, start: datetime, end: datetime, fetched: Fetched) -> bool:
        """True when every receipt and every box it names was read."""
        kinds: dict[str, set[str]] = {}
        for cancel_type, status in QUERIES:
            for w_start, w_end, time_frame in self._windows(start, end):
                pages = self.client.return_requests(w_start, w_end, cancel_type, status, time_frame)
                async for page in pages:
                    for receipt in page:
                        try:
                            kind, box_ids = claimed_boxes(receipt)
                        except MappingError as exc:
                            fetched.problems.append(f"{self.client.who}: {exc}")
                            continue
                        for box_id in box_ids:
                            kinds.setdefault(box_id, set()).add(kind or cancel_type)
        listed = {r.ref.marketplace_order_id for r in fetched.orders.values()}
        limit = asyncio.Semaphore(REREAD_CONCURRENCY)
        unread: list[str] = []

        async def one(box_id: str) -> None:
            async with limit:
                try:
                    box = await self.client.ordersheet(box_id)
                except MarketplaceError as exc:
                    fetched.problems.append(str(exc))  # read again on the next collection
                    unread.append(box_id)
                    return
            try:
                remote = read_box(box, self.seller_id)
            except MappingError as exc:
                fetched.problems.append(f"{self.client.who}: {exc}")
                return
            returned = "RETURN" in kinds[box_id] and remote.state == ELSEWHERE
            fetched.add(dataclasses.replace(remote, returned=returned, from_claim=True))

        await asyncio.gather(*(one(b) for b in kinds if b not in listed))
        return not unread

    async def _acknowledge(self, box_ids: list[str], fetched: Fetched) -> list[str]:
        done: list[str] = []
        pending = list(dict.fromkeys(box_ids))
        for attempt in range(ACK_ATTEMPTS):
            retry: list[str] = []
            for result in await self.client.acknowledge(pending):
                box_id = str(result.get("shipmentBoxId"))
                if result.get("succeed"):
                    done.append(box_id)
                elif result.get("retryRequired") and attempt + 1 < ACK_ATTEMPTS:
                    retry.append(box_id)
                else:
                    fetched.problems.append(
                        f"{self.client.who}: box {box_id} not acknowledged ({result.get('resultCode')}); "
                        "it stays ACCEPT and is tried again on the next collection"
                    )
            if not retry:
                break
            pending = retry
            await asyncio.sleep(0.5 * (attempt + 1))
        return done

    async def _reread(self, box_ids: list[str], fetched: Fetched) -> None:
        """The acknowledged boxes as they are now: a changed address or a cancellation that came
        while they were ACCEPT shows here."""
        limit = asyncio.Semaphore(REREAD_CONCURRENCY)

        async def one(box_id: str) -> None:
            async with limit:
                try:
                    self._read(await self.client.ordersheet(box_id), fetched)
                except MarketplaceError as exc:
                    # keep what the listing said; the next collection reads it again
                    fetched.problems.append(str(exc))

        await asyncio.gather(*(one(b) for b in box_ids))
