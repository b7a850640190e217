"""재출력 after 배송지 변경: an ISSUED parcel whose label names another recipient than the
buyer's latest address is replaced. A band parcel gets a new number at once (WaybillIssued again,
same parcel); a file or API parcel goes back to AWAITING under a new reference, to be exported or
booked again. Either way the old number is voided for ever and the shipper holds the parcel
(RELABEL) until its new number arrives."""

import logging
from collections.abc import Sequence

from packline_contracts import OrderRecipientChanged, WaybillIssued
from packline_runtime import recipient_changes
from packline_runtime.unit_of_work import UnitOfWork
from packline_waybill.adapters import parcel_changes
from packline_waybill.adapters import repository as repo
from packline_waybill.domain.waybill import latest_recipient
from packline_waybill.service_layer.claims import Numbering, claim_numbers

log = logging.getLogger(__name__)


async def relabel(
    uow: UnitOfWork, events: Sequence[OrderRecipientChanged], numbering: Numbering
) -> None:
    held = await repo.issued_holding(uow.conn, [e.order.uid for e in events])
    changes = await recipient_changes.changes_for(
        uow.conn, [m.order.uid for p in held if p.issued for m in p.issued.members]
    )
    stale = []
    for parcel in held:
        assert parcel.issued is not None
        wanted = latest_recipient(parcel.issued.members, changes)
        if wanted is not None and wanted != parcel.issued.recipient:
            stale.append((parcel, wanted))
    cause = {e.order.uid: e for e in events}
    for parcel, wanted in stale:
        old = parcel.issued
        assert old is not None
        trigger = next((cause[m.order.uid] for m in old.members if m.order.uid in cause), None)
        if parcel.waybill.method != "BAND":
            replaced = await parcel_changes.back_to_awaiting(
                uow.conn, parcel.parcel_id, "RECIPIENT_CHANGED", None
            )
            await parcel_changes.set_recipient(uow.conn, parcel.parcel_id, wanted)
            log.info(
                "parcel %s number %s voided (배송지 변경); awaits a new one",
                parcel.parcel_id,
                replaced,
            )
            continue
        [number] = await claim_numbers(uow, numbering, parcel.account_id, 1)
        new = WaybillIssued(
            **{
                **old.model_dump(exclude={"event_id", "occurred_at"}),
                "tracking_number": number,
                "recipient": wanted,
                "issued_via": "BAND",
                "causation_id": (trigger or old).event_id,
            }
        )
        replaced = await parcel_changes.replace_number(
            uow.conn, parcel.parcel_id, new, "RECIPIENT_CHANGED", None
        )
        log.info("waybill %s voided (배송지 변경); new number %s", replaced, new.tracking_number)
        uow.emit(new)
