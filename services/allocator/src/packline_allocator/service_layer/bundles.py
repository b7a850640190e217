"""The console's 할당 list: a page of a seller's bundles with what each needs per SKU against
stock now and, for those still waiting, why (rules: domain/waiting.py)."""

from dataclasses import dataclass
from datetime import datetime

from packline_allocator.adapters import bundles
from packline_allocator.domain.order_stock import BundleStatus
from packline_allocator.domain.waiting import SkuNeed, WaitReason, why_waiting
from packline_runtime.db import Conn


@dataclass(frozen=True)
class BundleView:
    bundle: bundles.BundleRow
    needs: list[SkuNeed]
    reason: WaitReason | None  # only a WAITING bundle waits for a reason


async def bundle_page(
    conn: Conn,
    seller_id: str,
    status: BundleStatus,
    q: str | None,
    since: datetime | None,
    limit: int,
    offset: int,
) -> list[BundleView]:
    """`limit` bundles (the caller asks one more to learn of a next page); the needs of all of
    them are read at once."""
    rows = await bundles.page(conn, seller_id, status.value, q, since, limit, offset)
    needs = await bundles.needs(conn, seller_id, [r.bundle_id for r in rows])
    return [
        BundleView(
            bundle=r,
            needs=needs.get(r.bundle_id, []),
            reason=why_waiting(needs.get(r.bundle_id, []))
            if r.status == BundleStatus.WAITING
            else None,
        )
        for r in rows
    ]
