"""송장 엑셀 업로드: the courier's returned file gives AWAITING parcels their numbers, all or
nothing, with a result per row. Rows whose parcel already has that very number (the same file
imported twice) and rows of parcels cancelled since the export are reported, not applied."""

import asyncio
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from packline_runtime import recipient_changes
from packline_runtime.secret_box import SecretBox
from packline_runtime.unit_of_work import UnitOfWork
from packline_waybill.adapters import exports as export_repo
from packline_waybill.adapters import parcel_changes
from packline_waybill.adapters import repository as repo
from packline_waybill.courier_files import Candidate, check_import, read_returned_file
from packline_waybill.domain.waybill import waybill_issued
from packline_waybill.service_layer import templates
from packline_waybill.service_layer.exports import file_account
from packline_waybill.service_layer.parcels import live_members, recipient_of

RowOutcome = Literal["ISSUED", "ALREADY_ISSUED", "CANCELLED", "ERROR", "NOT_APPLIED"]


@dataclass(frozen=True)
class RowResult:
    row_number: int
    reference: str | None
    tracking_number: str | None
    outcome: RowOutcome
    matched_by: str | None = None
    warnings: tuple[str, ...] = ()
    error: str | None = None


@dataclass
class ImportOutcome:
    applied: bool
    issued: int
    rows: list[RowResult] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # file-level: unreadable, missing rows


@dataclass(frozen=True)
class ImportRequest:
    seller_id: str
    by: str
    data: bytes
    filename: str
    account_id: int | None = None
    template_key: str | None = None
    password: str | None = None
    allow_partial: bool = False  # accept a file lacking some exported parcels


async def import_file(
    uow: UnitOfWork, request: ImportRequest, box: SecretBox | None
) -> ImportOutcome:
    account = await file_account(uow, request.seller_id, request.account_id, box)
    template = await templates.resolve(
        uow.conn, request.seller_id, request.template_key or account.template_key
    )
    returned = await asyncio.to_thread(
        read_returned_file, request.data, request.filename, template, request.password
    )
    refs = [r.reference for r in returned.rows if r.reference]
    known = {p.reference: p for p in await repo.by_references(uow.conn, request.seller_id, refs)}
    settled: list[RowResult] = []
    open_rows = []
    for row in returned.rows:
        parcel = known.get(row.reference or "")
        number = _digits(row.tracking_raw)
        if (
            parcel is not None
            and parcel.waybill.status == "ISSUED"
            and (parcel.waybill.tracking_number == number)
        ):
            settled.append(
                RowResult(row.row_number, row.reference, number, "ALREADY_ISSUED", "REFERENCE")
            )
        elif parcel is not None and parcel.waybill.status == "VOIDED":
            settled.append(
                RowResult(row.row_number, row.reference, number, "CANCELLED", "REFERENCE")
            )
        else:
            open_rows.append(row)
    if settled and not open_rows and not returned.errors:  # the same file again: nothing new
        return ImportOutcome(applied=True, issued=0, rows=settled)
    awaiting = await repo.awaiting(
        uow.conn, request.seller_id, "FILE", account.account_id, lock=True
    )
    changes = await recipient_changes.changes_for(
        uow.conn, [m.order.uid for p in awaiting for m in live_members(p)]
    )
    candidates = []
    for parcel in awaiting:
        recipient = recipient_of(parcel, changes)
        candidates.append(
            Candidate(
                reference=parcel.reference,
                recipient_name=recipient.name,
                phone=recipient.mobile or recipient.phone,
                courier_code=parcel.waybill.courier_code,
            )
        )
    numbers = [n for n in (_digits(r.tracking_raw) for r in open_rows) if n]
    in_use = await parcel_changes.numbers_in_use(uow.conn, numbers)
    expected: set[str] | None = None
    if not request.allow_partial:
        batches = {p.export_batch_id for p in known.values() if p.export_batch_id is not None}
        awaiting_refs = {p.reference for p in awaiting if p.export_batch_id in batches}
        expected = awaiting_refs & await export_repo.references_of(uow.conn, sorted(batches))
    check = check_import(replace(returned, rows=open_rows), candidates, in_use, expected)
    if not check.ok:
        return ImportOutcome(
            applied=False,
            issued=0,
            # errors first: a long file's answer is cut at 50 rows
            rows=sorted(
                settled + [_result(r, "ERROR" if r.error else "NOT_APPLIED") for r in check.rows],
                key=lambda r: (r.error is None, r.row_number),
            ),
            errors=[e.message for e in check.errors],
        )
    by_ref = {p.reference: p for p in awaiting}
    numbered = []
    for ref, number in check.numbers().items():
        parcel = by_ref[ref]
        parcel.waybill.tracking_number = number
        issued = waybill_issued(
            parcel.allocation,
            parcel.waybill,
            live_members(parcel),
            recipient_of(parcel, changes),
            "FILE",
            parcel.pre_shipment_push,
        )
        numbered.append(parcel_changes.Numbered(parcel.parcel_id, number, "FILE", issued))
        uow.emit(issued)
    if numbered:
        await parcel_changes.set_numbers(uow.conn, numbered)
    return ImportOutcome(
        applied=True,
        issued=len(numbered),
        rows=settled + [_result(r, "ISSUED") for r in check.rows],
    )


def _digits(raw: Any) -> str:
    return "".join(ch for ch in str(raw or "") if ch.isdigit())


def _result(row: Any, outcome: RowOutcome) -> RowResult:
    return RowResult(
        row_number=row.row_number,
        reference=row.reference,
        tracking_number=row.number,
        outcome=outcome,
        matched_by=row.matched_by,
        warnings=tuple(row.warnings),
        error=row.error,
    )
