"""송장 엑셀 다운로드: a seller's parcels awaiting a number, written in the courier's template
(XLSX or CSV, optionally password-protected), recorded as a batch that can be downloaded again.
Exporting a parcel a second time must be confirmed."""

import asyncio
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal
from zoneinfo import ZoneInfo

from packline_contracts import OrderRecipientChanged
from packline_runtime import recipient_changes
from packline_runtime.secret_box import SecretBox
from packline_runtime.unit_of_work import UnitOfWork
from packline_waybill.adapters import exports as export_repo
from packline_waybill.adapters import parcel_changes
from packline_waybill.adapters import repository as repo
from packline_waybill.courier_files import ExportRow, export_csv, export_xlsx
from packline_waybill.domain.accounts import CourierAccount
from packline_waybill.service_layer import accounts as account_repo
from packline_waybill.service_layer import templates
from packline_waybill.service_layer.parcels import items_of, live_members, recipient_of

SEOUL = ZoneInfo("Asia/Seoul")
FileFormat = Literal["xlsx", "csv"]
CsvEncoding = Literal["cp949", "utf-8-sig"]


class ExportRefused(ValueError):
    """Nothing was written; the message says why (and `references` names the parcels)."""

    def __init__(self, message: str, references: Sequence[str] = (), status: int = 409) -> None:
        super().__init__(message)
        self.references = list(references)
        self.status = status


@dataclass(frozen=True)
class ExportRequest:
    seller_id: str
    by: str
    account_id: int | None = None
    template_key: str | None = None
    file_format: FileFormat = "xlsx"
    encoding: CsvEncoding = "utf-8-sig"
    password: str | None = None
    parcel_ids: Sequence[uuid.UUID] | None = None  # a selection; None: every awaiting parcel
    confirm_reexport: bool = False


async def file_account(
    uow: UnitOfWork, seller_id: str, account_id: int | None, box: SecretBox | None
) -> CourierAccount:
    """The FILE courier account an export or import is for: the one named, else the default."""
    account = (
        await account_repo.opened(uow.conn, seller_id, account_id, box)
        if account_id is not None
        else await account_repo.account_for(uow.conn, seller_id, box)
    )
    if account is None:
        raise ExportRefused(
            "no courier account: create one with method FILE (POST /courier-accounts) and make "
            "it the default, or name it with account_id",
            status=404 if account_id is not None else 409,
        )
    if account.method != "FILE":
        raise ExportRefused(
            f"courier account {account.name!r} numbers its parcels by {account.method}, not by "
            "courier file; its parcels are never exported",
            status=409,
        )
    return account


async def export(
    uow: UnitOfWork, request: ExportRequest, box: SecretBox | None
) -> export_repo.ExportBatch:
    account = await file_account(uow, request.seller_id, request.account_id, box)
    template = await templates.resolve(
        uow.conn, request.seller_id, request.template_key or account.template_key
    )
    parcels = await repo.awaiting(
        uow.conn, request.seller_id, "FILE", account.account_id, lock=True
    )
    if request.parcel_ids is not None:
        wanted = set(request.parcel_ids)
        found = {p.parcel_id for p in parcels}
        missing = sorted(str(p) for p in wanted - found)
        if missing:
            raise ExportRefused(
                f"{len(missing)} selected parcel(s) are not awaiting a number on this account "
                f"(already numbered, cancelled, or another account's): {', '.join(missing[:20])}",
                missing,
                status=409,
            )
        parcels = [p for p in parcels if p.parcel_id in wanted]
    if not parcels:
        raise ExportRefused("no parcel awaits a number from a courier file on this account")
    again = [p.reference for p in parcels if p.exported_at is not None]
    if again and not request.confirm_reexport:
        raise ExportRefused(
            f"{len(again)} parcel(s) were exported before (batch "
            f"{', '.join(sorted({str(p.export_batch_id) for p in parcels if p.export_batch_id}))});"
            " export them again with confirm_reexport=true",
            again,
        )
    changes = await recipient_changes.changes_for(
        uow.conn, [m.order.uid for p in parcels for m in live_members(p)]
    )
    rows = [_row(p, account, changes) for p in parcels]
    now = datetime.now(SEOUL)
    stem = f"packline-{account.courier_code}-{now:%Y%m%d-%H%M%S}"
    if request.file_format == "xlsx":
        content = await asyncio.to_thread(export_xlsx, template, rows, request.password)
        filename = f"{stem}.xlsx"
    else:
        if request.password:
            raise ExportRefused("a CSV file cannot carry a password; choose xlsx", status=422)
        content = await asyncio.to_thread(export_csv, template, rows, request.encoding)
        filename = f"{stem}.csv"
    batch = await export_repo.insert(
        uow.conn,
        seller_id=request.seller_id,
        account_id=account.account_id,
        courier_code=account.courier_code,
        template_key=template.key,
        file_format=request.file_format,
        encoding=request.encoding if request.file_format == "csv" else None,
        password_protected=bool(request.password),
        filename=filename,
        content=content,
        parcel_ids=[p.parcel_id for p in parcels],
        references=[p.reference for p in parcels],
        created_by=request.by,
    )
    await parcel_changes.mark_exported(uow.conn, [p.parcel_id for p in parcels], batch.id)
    return batch


def _row(
    parcel: repo.ParcelRecord,
    account: CourierAccount,
    changes: Sequence[OrderRecipientChanged],
) -> ExportRow:
    recipient = recipient_of(parcel, changes)
    return ExportRow(
        reference=parcel.reference,
        recipient_name=recipient.name,
        phone=recipient.phone or recipient.mobile,
        mobile=recipient.mobile or None,
        postcode=recipient.postcode,
        address=recipient.address1,
        address_detail=recipient.address2 or None,
        items=items_of(parcel),
        message=recipient.message or None,
        sender_name=account.sender.name,
        sender_phone=account.sender.phone,
        sender_address=account.sender.address,
    )
