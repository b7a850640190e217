"""The answer to each scanned label (출고 스캔): a stable code a packer can act on and a Korean
message saying what to do.

The rules, checked per parcel in this order:
- SHIPPED → ALREADY_SHIPPED, with when; a repeat scan changes nothing.
- STOPPED (every order cancelled) → CANCELLED: 출고 중지, naming the orders; take it off the line.
- RELABEL (배송지 변경 pending) → RELABEL: wait for the new label, reprint it, scan that.
- VOIDED → REPLACED by the parcel's live number when this seller's shipper has it, else VOIDED.
- READY with a cancelled order or cancelled units (부분취소) → INCOMPLETE (출고 중지, 라벨
  재출력 필요). WaybillIssued names only the orders live when the number was issued, so a
  cancelled member of a parcel was cancelled after its label was printed: the box and the label
  still hold its goods. The answer points to the reprint: the waybill stage heard the same
  decision and prints the parcel's label (same number) with what is left. Unless the person
  confirms they repacked and relabelled it (`confirm_incomplete`), the parcel waits; confirmed,
  it ships what is left under its number.
- READY → OK.
A number this seller has no parcel for is UNKNOWN, whether or not another seller has it (the
lookup never crosses sellers, so the answer cannot hint that it exists).
Rows: a row with no digits (or a number Excel turned into exponent form) is NOT_A_NUMBER; a
number seen in an earlier row is DUPLICATE (its parcel ships once). Neither DUPLICATE nor
ALREADY_SHIPPED blocks a scan; every other code except OK does.
"""

import re
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from enum import StrEnum

from packline_contracts import OrderRef
from packline_couriers import normalise_tracking_number
from packline_shipper.domain.parcel import Parcel

KST = timezone(timedelta(hours=9), "KST")
_EXPONENT = re.compile(r"\d[.,]?\d*[eE][+-]?\d")
MAX_DIGITS = 32  # courier numbers have 10 to 14; anything much longer is not one


class ScanCode(StrEnum):
    OK = "OK"
    ALREADY_SHIPPED = "ALREADY_SHIPPED"
    DUPLICATE = "DUPLICATE"
    NOT_A_NUMBER = "NOT_A_NUMBER"
    UNKNOWN = "UNKNOWN"
    CANCELLED = "CANCELLED"
    INCOMPLETE = "INCOMPLETE"
    RELABEL = "RELABEL"
    REPLACED = "REPLACED"
    VOIDED = "VOIDED"


NOT_BLOCKING = frozenset({ScanCode.OK, ScanCode.ALREADY_SHIPPED, ScanCode.DUPLICATE})
BLOCKING = frozenset(ScanCode) - NOT_BLOCKING


@dataclass(frozen=True)
class ScannedRow:
    """One scanned or uploaded row: its 1-based row number and what it held."""

    row: int
    raw: str

    @property
    def number(self) -> str:
        digits = normalise_tracking_number(self.raw)
        return "" if _EXPONENT.search(self.raw) or len(digits) > MAX_DIGITS else digits


@dataclass
class RowAnswer:
    row: int
    tracking_number: str  # normalised; "" when the row held no number
    code: ScanCode
    message: str
    orders: tuple[OrderRef, ...] = ()  # the cancelled orders of CANCELLED and INCOMPLETE
    shipped_at: datetime | None = None
    replaced_by: str | None = None
    shipped: bool = field(default=False)  # set once this scan shipped the parcel


def rows_of(raw_numbers: Sequence[str]) -> list[ScannedRow]:
    """A selection or a scanner's list, numbered from 1."""
    return [ScannedRow(n, raw) for n, raw in enumerate(raw_numbers, start=1)]


def answer_rows(
    rows: Sequence[ScannedRow],
    parcels: Mapping[str, Parcel],
    replacements: Mapping[uuid.UUID, str],
    *,
    confirm_incomplete: bool = False,
) -> list[RowAnswer]:
    """Every row's answer, in row order. `parcels` are this seller's, by number; `replacements`
    the live number of each parcel whose scanned number was voided."""
    first_row: dict[str, int] = {}
    answers = []
    for row in rows:
        number = row.number
        if not number:
            answers.append(_not_a_number(row))
        elif number in first_row:
            message = f"중복: {first_row[number]}행과 같은 번호입니다 — 한 번만 출고됩니다"
            answers.append(RowAnswer(row.row, number, ScanCode.DUPLICATE, message))
        else:
            first_row[number] = row.row
            parcel = parcels.get(number)
            replaced_by = replacements.get(parcel.parcel_id) if parcel else None
            answers.append(_answer(row.row, number, parcel, replaced_by, confirm_incomplete))
    return answers


def _not_a_number(row: ScannedRow) -> RowAnswer:
    if _EXPONENT.search(row.raw):
        why = "엑셀이 지수 형태(3E+11)로 바꾼 번호입니다: 열을 텍스트 형식으로 바꿔 다시 올리세요"
    elif len(normalise_tracking_number(row.raw)) > MAX_DIGITS:
        why = f"송장번호가 아닙니다 (숫자 {MAX_DIGITS}자리 초과): 라벨을 다시 스캔하세요"
    else:
        why = "송장번호가 아닙니다 (숫자 없음): 라벨을 다시 스캔하세요"
    return RowAnswer(row.row, "", ScanCode.NOT_A_NUMBER, why)


def _names(orders: Sequence[OrderRef]) -> str:
    return ", ".join(f"{o.marketplace.value} {o.marketplace_order_id}" for o in orders)


def _answer(
    row: int, number: str, parcel: Parcel | None, replaced_by: str | None, confirm: bool
) -> RowAnswer:
    if parcel is None:
        message = (
            "등록되지 않은 송장번호입니다: 라벨을 확인하세요 (발행 직후라면 잠시 뒤 다시 스캔)"
        )
        return RowAnswer(row, number, ScanCode.UNKNOWN, message)
    cancelled = tuple(m.order for m in parcel.members if m.changed)
    if parcel.status == "SHIPPED":
        at = parcel.shipped_at
        when = at.astimezone(KST).strftime("%Y-%m-%d %H:%M KST") if at else "?"
        message = f"이미 출고됨 ({when}): 다시 스캔해도 바뀌는 것은 없습니다"
        return RowAnswer(row, number, ScanCode.ALREADY_SHIPPED, message, shipped_at=at)
    if parcel.status == "STOPPED":
        message = f"출고 중지 — 주문 {_names(cancelled)} 취소: 이 택배를 라인에서 빼세요"
        return RowAnswer(row, number, ScanCode.CANCELLED, message, orders=cancelled)
    if parcel.status == "RELABEL":
        message = "출고 중지 — 주소 변경: 새 라벨을 출력해 붙이고 새 번호를 스캔하세요"
        return RowAnswer(row, number, ScanCode.RELABEL, message)
    if parcel.status == "VOIDED":
        if replaced_by:
            message = f"교체된 송장번호입니다: 새 번호 {replaced_by}의 라벨로 출고하세요"
            return RowAnswer(row, number, ScanCode.REPLACED, message, replaced_by=replaced_by)
        message = "폐기된 송장번호입니다 (voided): 이 라벨로는 출고할 수 없습니다"
        return RowAnswer(row, number, ScanCode.VOIDED, message)
    if cancelled and not confirm:
        message = (
            f"출고 중지 — 주문 {_names(cancelled)} 취소: 라벨 재출력 필요 — 취소 상품을 빼고 "
            f"재포장한 뒤 송장출력(POST /labels, parcel_ids [{parcel.parcel_id}])에서 남은 "
            "상품으로 다시 출력한 라벨을 붙이고, 확인 후 출고"
        )
        return RowAnswer(row, number, ScanCode.INCOMPLETE, message, orders=cancelled)
    return RowAnswer(row, number, ScanCode.OK, "출고 가능")


@dataclass
class ScanReport:
    """Every row's answer; `shipped` marks the rows this scan shipped."""

    rows: list[RowAnswer]

    @property
    def blocked(self) -> list[RowAnswer]:
        return [a for a in self.rows if a.code in BLOCKING]

    def numbers(self, code: ScanCode) -> list[str]:
        return [a.tracking_number for a in self.rows if a.code is code]


class ScanRejected(Exception):
    """A row cannot ship and the scan is all or nothing: nothing in it was shipped."""

    def __init__(self, report: ScanReport) -> None:
        self.report = report
        blocked = report.blocked
        super().__init__(
            f"{len(blocked)} of {len(report.rows)} row(s) cannot ship, so nothing was shipped "
            f"(first: row {blocked[0].row}, {blocked[0].code}); fix them or allow a partial scan"
        )
