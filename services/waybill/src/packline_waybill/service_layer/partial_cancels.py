"""부분취소 decided at the shipping line: the shipper answered CANCELLED for some units of an
order (CancellationDecided v2), so the parcel holding it carries less. Its label keeps its
number; printed again (재출력) it names what is left, as do its courier file row and booking.
The shipper answers the parcel's scan INCOMPLETE, pointing to that reprint, until the packer
confirms the box was repacked and relabelled."""

import logging
from collections.abc import Sequence

from packline_contracts import CancellationDecided
from packline_runtime.consumer import PermanentError
from packline_runtime.unit_of_work import UnitOfWork
from packline_waybill.adapters import unit_cancels

log = logging.getLogger(__name__)


async def cancel_units(uow: UnitOfWork, decided: Sequence[CancellationDecided]) -> None:
    """Record each decided claim once (by its OrderCancelled, the answer's cause) and refresh
    the parcels of its order; a parcel made later picks the units up when it is inserted. The
    caller holds the orders' locks."""
    claims = []
    for d in decided:
        if d.causation_id is None:
            raise PermanentError(
                f"partial CancellationDecided {d.event_id} names no OrderCancelled (causation_id)"
            )
        claims.append(
            (d.causation_id, d.order.uid, {li.line_id: li.quantity for li in d.lines or ()})
        )
    changed = await unit_cancels.record(uow.conn, claims)
    if changed:
        await unit_cancels.refresh_parcels(uow.conn, changed)
        log.info(
            "%d order(s) partly cancelled: their parcels' labels name what is left", len(changed)
        )
