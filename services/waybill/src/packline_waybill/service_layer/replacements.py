"""A person replaces a parcel's number (a damaged label, a number the courier withdrew): with a
number they type (it came from the courier: counted as FILE) or the next one from the band. The
old number is voided for ever, the decision recorded with who and why, and WaybillIssued sent
again for the same parcel; the shipper then voids the old number on its side."""

import uuid

from packline_contracts import WaybillIssued
from packline_couriers import InvalidTrackingNumber, validate_tracking_number
from packline_runtime import decisions
from packline_runtime.unit_of_work import UnitOfWork
from packline_waybill.adapters import parcel_changes
from packline_waybill.adapters import repository as repo
from packline_waybill.service_layer.claims import Numbering, claim_numbers


class ReplaceRefused(ValueError):
    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


async def replace_number(
    uow: UnitOfWork,
    seller_id: str,
    parcel_id: uuid.UUID,
    number: str | None,
    reason: str,
    by: str,
    numbering: Numbering,
) -> tuple[WaybillIssued, list[str]]:
    """The new WaybillIssued and any warnings about the typed number."""
    found = await repo.lock_parcels(uow.conn, seller_id, [parcel_id])
    if not found:
        raise ReplaceRefused(f"no parcel {parcel_id} for this seller", 404)
    [parcel] = found
    if parcel.waybill.status != "ISSUED" or parcel.issued is None:
        state = "has no number yet" if parcel.waybill.status == "AWAITING" else "is voided"
        raise ReplaceRefused(f"parcel {parcel_id} {state}; there is no number to replace", 409)
    warnings: list[str] = []
    if number is not None:
        try:
            number, warnings = validate_tracking_number(parcel.waybill.courier_code, number)
        except InvalidTrackingNumber as exc:
            raise ReplaceRefused(str(exc), 422) from exc
        holder = (await parcel_changes.numbers_in_use(uow.conn, [number])).get(number)
        if holder is not None:
            raise ReplaceRefused(
                f"number {number} is already used ({holder}); a number is never used twice", 409
            )
        via = "FILE"
    else:
        [number] = await claim_numbers(uow, numbering, parcel.account_id, 1)
        via = "BAND"
    old = parcel.issued
    new = WaybillIssued(
        **{
            **old.model_dump(exclude={"event_id", "occurred_at"}),
            "tracking_number": number,
            "issued_via": via,
        }
    )
    replaced = await parcel_changes.replace_number(
        uow.conn, parcel_id, new, "REPLACED_BY_PERSON", by
    )
    await decisions.record(
        uow.conn,
        seller_id,
        "waybill.replace_number",
        {"parcel_id": str(parcel_id), "old": replaced, "new": number},
        by,
        reason,
    )
    uow.emit(new)
    return new, warnings
