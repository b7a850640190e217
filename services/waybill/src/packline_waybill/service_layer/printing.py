"""송장출력: label PDFs for issued parcels, a selection or a range of numbers, in each courier's
own layout. Sorting codes come from the courier's booking or, for band numbers, from the
courier's address API where the account has access. Every print is recorded; a second print of
a parcel is marked 재출력."""

import asyncio
import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from packline_runtime import recipient_changes
from packline_runtime.secret_box import SecretBox
from packline_runtime.unit_of_work import UnitOfWork
from packline_waybill.adapters import labels as label_repo
from packline_waybill.adapters import parcel_changes
from packline_waybill.adapters import repository as repo
from packline_waybill.adapters.courier_api import BookingFailed, CourierCredentials
from packline_waybill.adapters.courier_api import SortingCodes as ApiSorting
from packline_waybill.domain.accounts import ApiAccess, CourierAccount
from packline_waybill.domain.endpoints import UnsafeCourierUrl
from packline_waybill.labels import Label, LabelError, LabelItem, SortingCodes, render_labels
from packline_waybill.service_layer import accounts as account_repo
from packline_waybill.service_layer.booking import ApiFactory
from packline_waybill.service_layer.parcels import Sender, items_of, live_members, recipient_of

log = logging.getLogger(__name__)
MAX_LABELS = 1000


class PrintRefused(ValueError):
    def __init__(self, message: str, status: int = 409) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class PrintRequest:
    seller_id: str
    by: str
    parcel_ids: Sequence[uuid.UUID] | None = None
    from_number: str | None = None
    to_number: str | None = None


@dataclass(frozen=True)
class Printed:
    pdf: bytes
    labels: int
    reprints: int


async def print_labels(
    uow: UnitOfWork,
    request: PrintRequest,
    default_sender: Sender,
    box: SecretBox | None,
    api: ApiFactory | None,
) -> Printed:
    parcels = await _select(uow, request)
    not_issued = [str(p.parcel_id) for p in parcels if p.waybill.status != "ISSUED"]
    if not_issued:
        raise PrintRefused(
            f"{len(not_issued)} parcel(s) have no live number to print (awaiting or voided): "
            + ", ".join(not_issued[:20])
        )
    if not parcels:
        raise PrintRefused("no issued parcel matches the selection", status=404)
    accounts: dict[int, CourierAccount | None] = {}
    for account_id in sorted({p.account_id for p in parcels if p.account_id is not None}):
        accounts[account_id] = await account_repo.opened(
            uow.conn, request.seller_id, account_id, box
        )
    if api is not None:
        await _fill_sorting(uow, parcels, accounts, api)
    changes = await recipient_changes.changes_for(
        uow.conn, [m.order.uid for p in parcels for m in live_members(p)]
    )
    printed_before = await label_repo.printed(uow.conn, [p.parcel_id for p in parcels])
    labels = []
    for parcel in parcels:
        account = accounts.get(parcel.account_id) if parcel.account_id is not None else None
        sender = account.sender if account is not None else default_sender
        recipient = recipient_of(parcel, changes)
        sorting = parcel.sorting
        labels.append(
            Label(
                courier_code=parcel.waybill.courier_code,
                tracking_number=parcel.waybill.tracking_number or "",
                reference=parcel.reference,
                recipient_name=recipient.name,
                recipient_phone=recipient.mobile or recipient.phone,
                recipient_safe_number=_safe_number(recipient.mobile or recipient.phone),
                postcode=recipient.postcode,
                address=f"{recipient.address1} {recipient.address2}".strip(),
                items=tuple(LabelItem(name, qty) for name, qty in items_of(parcel)),
                sender_name=sender.name,
                sender_phone=sender.phone,
                sender_address=sender.address,
                message=recipient.message or None,
                sorting=SortingCodes(
                    sort_code=sorting["sort_code"],
                    terminal=sorting.get("terminal"),
                    branch=sorting.get("branch"),
                    zone=sorting.get("zone"),
                )
                if sorting
                else None,
                reprint=parcel.parcel_id in printed_before,
            )
        )
    try:
        pdf = await asyncio.to_thread(render_labels, labels)
    except LabelError as exc:  # data a label cannot carry, e.g. a parcel without a postcode
        raise PrintRefused(f"no labels printed: {exc}", status=422) from exc
    await label_repo.record(
        uow.conn,
        [
            (p.parcel_id, p.waybill.tracking_number or "", p.parcel_id in printed_before)
            for p in parcels
        ],
        request.seller_id,
        request.by,
    )
    return Printed(pdf, len(labels), sum(1 for p in parcels if p.parcel_id in printed_before))


def _safe_number(phone: str) -> str | None:
    """안심번호 (050x): printed as is; a real number is masked by the label."""
    digits = "".join(ch for ch in phone if ch.isdigit())
    return phone if digits.startswith("050") else None


async def _select(uow: UnitOfWork, request: PrintRequest) -> list[repo.ParcelRecord]:
    if request.parcel_ids is not None:
        if len(request.parcel_ids) > MAX_LABELS:
            raise PrintRefused(f"at most {MAX_LABELS} labels per print", status=422)
        found = await repo.lock_parcels(uow.conn, request.seller_id, request.parcel_ids)
        missing = set(request.parcel_ids) - {p.parcel_id for p in found}
        if missing:
            raise PrintRefused(
                f"no parcel {', '.join(sorted(str(m) for m in missing)[:20])} for this seller",
                status=404,
            )
        order = {pid: i for i, pid in enumerate(request.parcel_ids)}
        return sorted(found, key=lambda p: order[p.parcel_id])
    if request.from_number is None or request.to_number is None:
        raise PrintRefused("give parcel_ids, or from_number and to_number", status=422)
    found = await repo.number_range(
        uow.conn, request.seller_id, request.from_number, request.to_number, MAX_LABELS + 1
    )
    if len(found) > MAX_LABELS:
        raise PrintRefused(f"the range holds more than {MAX_LABELS} parcels; split it", status=422)
    return found


async def _fill_sorting(
    uow: UnitOfWork,
    parcels: Sequence[repo.ParcelRecord],
    accounts: dict[int, CourierAccount | None],
    api: ApiFactory,
) -> None:
    """Sorting codes for band parcels whose account may ask the courier's address API."""
    lacking: dict[int, tuple[ApiAccess, list[repo.ParcelRecord]]] = {}
    for parcel in parcels:
        account = accounts.get(parcel.account_id) if parcel.account_id is not None else None
        if parcel.sorting is None and account is not None and account.api is not None:
            lacking.setdefault(account.account_id, (account.api, []))[1].append(parcel)
    found: dict[uuid.UUID, dict[str, Any]] = {}
    for account_id, (access, group) in lacking.items():
        credentials = CourierCredentials(access.base_url, access.key_id, access.secret or "")
        changes = await recipient_changes.changes_for(
            uow.conn, [m.order.uid for p in group for m in live_members(p)]
        )
        addresses = []
        for parcel in group:
            recipient = recipient_of(parcel, changes)
            addresses.append(
                (recipient.postcode, f"{recipient.address1} {recipient.address2}".strip())
            )
        try:
            client = api(credentials)
        except UnsafeCourierUrl as exc:
            log.warning("no sorting codes for account %s: %s", account_id, exc)
            continue
        async with client:
            results = await client.sorting_codes(addresses)
        for parcel, result in zip(group, results, strict=True):
            if isinstance(result, BookingFailed):
                log.warning("no sorting code for parcel %s: %s", parcel.parcel_id, result.code)
                continue
            assert isinstance(result, ApiSorting)
            found[parcel.parcel_id] = {
                "sort_code": result.sort_code,
                "terminal": result.terminal,
                "branch": result.branch,
                "zone": result.zone,
            }
            parcel.sorting = found[parcel.parcel_id]
    if found:
        await parcel_changes.set_sorting(uow.conn, found)
