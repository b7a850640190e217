"""Collecting one Naver account: changed product orders (24-hour windows, paged), their details,
발주확인 for the new ones, then their details again (the address may have changed). Claims are
changes too (CLAIM_REQUESTED…), so the changes are read from the claims cursor when it is
older than the period's start."""

from datetime import datetime, timedelta
from typing import Any

from packline_collector.adapters.naver_client import NaverClient
from packline_collector.adapters.naver_mapping import needs_confirmation, read_product_order
from packline_collector.domain.remote import Fetched, MappingError, Progress

WINDOW = timedelta(hours=24)


class NaverGateway:
    def __init__(self, client: NaverClient, seller_id: str) -> None:
        self.client = client
        self.seller_id = seller_id

    def _read(self, rows: list[dict[str, Any]], fetched: Fetched) -> None:
        for row in rows:
            try:
                fetched.add(read_product_order(row, self.seller_id))
            except MappingError as exc:
                fetched.problems.append(f"{self.client.who}: {exc}")

    async def fetch(
        self,
        start: datetime,
        end: datetime,
        progress: Progress,
        claims_from: datetime | None = None,
    ) -> Fetched:
        fetched = Fetched()
        ids: dict[str, None] = {}
        cursor = min(start, claims_from or start)
        while cursor < end:
            window_end = min(end, cursor + WINDOW)
            async for page in self.client.changes(cursor, window_end):
                for change in page:
                    po_id = str(change.get("productOrderId") or "")
                    if po_id.isdigit():
                        ids[po_id] = None
                    else:
                        fetched.problems.append(
                            f"{self.client.who}: a changed-status row without productOrderId (order {change.get('orderId')})"
                        )
                await progress(len(ids))
            cursor = window_end
        rows = await self.client.product_orders(list(ids))
        self._read(rows, fetched)
        new = [str(r["productOrder"]["productOrderId"]) for r in rows if needs_confirmation(r)]
        readable = {remote.ref.marketplace_order_id for remote in fetched.orders.values()}
        new = [i for i in new if i in readable]
        if new:
            success, fail = await self.client.confirm(new)
            fetched.acknowledged = len(success)
            for info in fail:
                fetched.problems.append(
                    f"{self.client.who}: product order {info.get('productOrderId')} not confirmed ({info.get('code')})"
                )
            # read them again, confirmed or not: an address changed or a claim made meanwhile
            # shows only here
            self._read(await self.client.product_orders(new), fetched)
        await progress(len(fetched.orders))
        fetched.claims_read_to = end
        return fetched
