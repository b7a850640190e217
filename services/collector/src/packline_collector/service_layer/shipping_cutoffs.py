"""A seller's 출고 마감: the cut-off the seller set, or the collector's default
(PACKLINE_SHIPPING_CUTOFF) for a seller who set none or went back to it."""

from dataclasses import dataclass
from datetime import datetime, time

from packline_collector.adapters import shipping_cutoffs_repository as cutoffs
from packline_runtime.db import Conn


@dataclass(frozen=True)
class SellerCutoff:
    seller_id: str
    cutoff: time  # the one in force
    own: bool  # False: the collector's default
    default: time
    updated_by: str | None
    updated_at: datetime | None


def _view(seller_id: str, stored: cutoffs.StoredCutoff | None, default: time) -> SellerCutoff:
    if stored is None:
        return SellerCutoff(seller_id, default, False, default, None, None)
    return SellerCutoff(
        seller_id, stored.cutoff, True, default, stored.updated_by, stored.updated_at
    )


async def read(conn: Conn, seller_id: str, default: time) -> SellerCutoff:
    return _view(seller_id, await cutoffs.get(conn, seller_id), default)


async def change(
    conn: Conn, seller_id: str, cutoff: time | None, by: str, default: time
) -> SellerCutoff:
    """Set the seller's cut-off; None: back to the collector's default."""
    if cutoff is None:
        await cutoffs.clear(conn, seller_id)
        return _view(seller_id, None, default)
    return _view(seller_id, await cutoffs.put(conn, seller_id, cutoff, by), default)
