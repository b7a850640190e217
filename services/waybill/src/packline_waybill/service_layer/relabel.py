"""재출력 after 배송지 변경: an ISSUED waybill whose label names another recipient than the
buyer's latest address is replaced: the old number is voided (the shipper stops its parcel) and
the same bundle gets a new number with the new recipient (WaybillIssued again)."""

import logging
from collections.abc import Sequence

from packline_contracts import OrderRecipientChanged, WaybillIssued
from packline_runtime import recipient_changes
from packline_runtime.unit_of_work import UnitOfWork
from packline_waybill.adapters import relabels
from packline_waybill.domain.numbers import NumberBand
from packline_waybill.domain.waybill import latest_recipient
from packline_waybill.service_layer.claims import claim

log = logging.getLogger(__name__)


async def relabel(
    uow: UnitOfWork, events: Sequence[OrderRecipientChanged], band: NumberBand
) -> None:
    held = await relabels.issued_holding(uow.conn, [e.order.uid for e in events])
    changes = await recipient_changes.changes_for(
        uow.conn, [m.order.uid for w in held for m in w.members]
    )
    stale = []
    for issued in held:
        wanted = latest_recipient(issued.members, changes)
        if wanted is not None and wanted != issued.recipient:
            stale.append((issued, wanted))
    if not stale:
        return
    first_serial = await claim(uow, band, len(stale))
    cause = {e.order.uid: e for e in events}
    for i, (old, wanted) in enumerate(stale):
        trigger = next((cause[m.order.uid] for m in old.members if m.order.uid in cause), None)
        new = WaybillIssued(
            seller_id=old.seller_id,
            correlation_id=old.correlation_id,
            causation_id=(trigger or old).event_id,
            bundle_id=old.bundle_id,
            courier_code=old.courier_code,
            tracking_number=band.tracking_number(first_serial + i),
            recipient=wanted,
            members=old.members,
        )
        replaced = await relabels.replace_number(uow.conn, old.bundle_id, new)
        log.info("waybill %s voided (배송지 변경); new number %s", replaced, new.tracking_number)
        uow.emit(new)
