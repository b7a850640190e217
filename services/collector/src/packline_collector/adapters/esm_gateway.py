"""Collecting one ESM account (one ESM+ master id, its Gmarket and Auction sellers): per site,
the orders paid in the period that still wait for shipment (OrderStatus 1 결제완료 and 2
배송준비중) in windows of ≤31 days, paged; 주문확인 of the new ones (read again when ESM says
the address changed meanwhile); and the cancellations requested from the claims cursor on
(취소조회, ≤7 days a call). A malformed row is a problem named by its order number."""

from datetime import datetime, timedelta
from typing import Any

from packline_collector.adapters.esm_client import EsmClient, EsmRefused
from packline_collector.adapters.esm_mapping import cancelled, read_order
from packline_collector.domain.remote import (
    AWAITING_SHIPMENT,
    Fetched,
    MappingError,
    Progress,
    windows,
)

WINDOW = timedelta(days=31)
CANCEL_WINDOW = timedelta(days=7)
NEW, PREPARING = 1, 2  # OrderStatus


class EsmGateway:
    def __init__(self, client: EsmClient, seller_id: str) -> None:
        self.client = client
        self.seller_id = seller_id

    def _where(self, site: int) -> str:
        return f"{self.client.who} {'Gmarket' if site == 2 else 'Auction'}"

    def _read(self, rows: list[dict[str, Any]], site: int, fetched: Fetched) -> list[str]:
        """Adds what reads; returns the order numbers still to confirm."""
        new = []
        for row in rows:
            try:
                remote = read_order(row, site, self.seller_id)
            except MappingError as exc:
                fetched.problems.append(f"{self._where(site)}: {exc}")
                continue
            fetched.add(remote)
            if remote.state == AWAITING_SHIPMENT and row.get("OrderStatus") == NEW:
                new.append(remote.ref.marketplace_order_id)
        return new

    async def fetch(
        self,
        start: datetime,
        end: datetime,
        progress: Progress,
        claims_from: datetime | None = None,
    ) -> Fetched:
        fetched = Fetched()
        for site in sorted(self.client.sellers):
            new: list[str] = []
            for status in (NEW, PREPARING):
                for w_start, w_end in windows(start, end, WINDOW):
                    async for page in self.client.orders(site, status, w_start, w_end):
                        found = self._read(page, site, fetched)
                        new.extend(found if status == NEW else [])
                        await progress(len(fetched.orders))
            await self._confirm(site, new, fetched)
            for c_start, c_end in windows(min(start, claims_from or start), end, CANCEL_WINDOW):
                for row in await self.client.cancels(site, c_start, c_end):
                    try:
                        remote = cancelled(site, self.seller_id, row)
                    except MappingError as exc:
                        fetched.problems.append(f"{self._where(site)}: a cancellation: {exc}")
                        continue
                    if remote is not None:
                        fetched.add(remote)
        await progress(len(fetched.orders))
        fetched.claims_read_to = end
        return fetched

    async def _confirm(self, site: int, new: list[str], fetched: Fetched) -> None:
        for order_no in dict.fromkeys(new):
            try:
                answer = await self.client.confirm(order_no)
            except EsmRefused as exc:
                fetched.problems.append(
                    f"{self._where(site)}: order {order_no} not confirmed ({exc.message})"
                )
                continue
            fetched.acknowledged += 1
            if answer.get("IsChanged") in (1, "1", True):  # the address changed: read it again
                row = await self.client.order(site, order_no)
                if row is not None:
                    self._read([row], site, fetched)
