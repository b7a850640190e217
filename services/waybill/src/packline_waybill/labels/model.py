"""What goes on a courier label (송장), checked before anything is drawn."""

import re
from collections.abc import Sequence
from dataclasses import dataclass

from packline_couriers import COURIERS, InvalidTrackingNumber, validate_tracking_number


class LabelError(ValueError):
    """A label that cannot be printed; the message names the label and what to fix."""


@dataclass(frozen=True)
class SortingCodes:
    """What the courier's address API returns for a recipient address."""

    sort_code: str  # 분류코드, printed large and as a barcode
    terminal: str | None = None  # 터미널/도착지 code
    branch: str | None = None  # 배달 대리점/집배점
    zone: str | None = None  # 구역/집배코드 (우체국 delivery code)


@dataclass(frozen=True)
class LabelItem:
    name: str
    quantity: int


@dataclass(frozen=True)
class Label:
    courier_code: str
    tracking_number: str
    reference: str
    recipient_name: str
    recipient_phone: str
    recipient_safe_number: str | None  # 안심번호, printed as is instead of the phone
    postcode: str
    address: str
    items: tuple[LabelItem, ...]
    sender_name: str
    sender_phone: str
    sender_address: str
    message: str | None  # 배송메세지
    sorting: SortingCodes | None
    reprint: bool = False  # prints 재출력


_POSTCODE = re.compile(r"[0-9]{5}|[0-9]{3}-?[0-9]{3}")  # 5 digits; the old 6 (xxx-xxx) still seen
_NOT_DIGIT = re.compile(r"\D")


def check_labels(labels: Sequence[Label]) -> None:
    """Raise LabelError for the first label that cannot be printed as given."""
    if not labels:
        raise LabelError("no labels to print: pass at least one label")
    for position, label in enumerate(labels, start=1):
        _check_label(label, f"label {position} ({label.reference or 'no reference'})")


def _check_label(label: Label, where: str) -> None:
    if label.courier_code not in COURIERS:
        known = ", ".join(sorted(COURIERS))
        raise LabelError(
            f"{where}: unknown courier code {label.courier_code!r}; use one of {known}"
        )
    if not label.tracking_number.isdigit():
        raise LabelError(
            f"{where}: tracking number {label.tracking_number!r} must be digits only "
            "(normalise it with packline_couriers.validate_tracking_number first)"
        )
    try:
        validate_tracking_number(label.courier_code, label.tracking_number)
    except InvalidTrackingNumber as error:
        raise LabelError(f"{where}: {error}") from error
    if not _POSTCODE.fullmatch(label.postcode):
        raise LabelError(
            f"{where}: postcode {label.postcode!r} must be 5 digits, or the old 6 (xxx-xxx) (우편번호)"
        )
    for field in ("recipient_name", "address", "sender_name", "sender_address"):
        if not getattr(label, field).strip():
            raise LabelError(f"{where}: {field} is empty")
    if not _safe_number(label) and not 8 <= len(digits(label.recipient_phone)) <= 12:
        raise LabelError(
            f"{where}: recipient phone needs 8 to 12 digits when there is no safe number; "
            f"it has {len(digits(label.recipient_phone))}"
        )
    if not label.items:
        raise LabelError(f"{where}: no items; a label names what the parcel holds")
    for item in label.items:
        if item.quantity < 1:
            raise LabelError(
                f"{where}: item {item.name!r} has quantity {item.quantity}; use 1 or more"
            )
        if not item.name.strip():
            raise LabelError(f"{where}: an item has an empty name")
    if label.sorting is not None and not label.sorting.sort_code.strip():
        raise LabelError(f"{where}: sorting codes given with an empty sort_code; pass sorting=None")


def digits(text: str) -> str:
    return _NOT_DIGIT.sub("", text)


def masked_phone(raw: str) -> str:
    """The phone as couriers print it: area and last four digits, the middle starred."""
    number = digits(raw)
    if number.startswith("02"):
        area, rest = "02", number[2:]
    elif len(number) >= 10:
        area, rest = number[:3], number[3:]
    else:  # 1588-style numbers: star all but the last four
        return "*" * (len(number) - 4) + "-" + number[-4:]
    return f"{area}-{'*' * len(rest[:-4])}-{rest[-4:]}"


def _safe_number(label: Label) -> str:
    return (label.recipient_safe_number or "").strip()


def printed_phone(label: Label) -> str:
    """The 안심번호 as is when there is one, else the masked phone."""
    return _safe_number(label) or masked_phone(label.recipient_phone)


def grouped_number(number: str) -> str:
    """1234-5678-9012: the digits under a barcode, in fours as couriers print them."""
    return "-".join(number[i : i + 4] for i in range(0, len(number), 4))
