"""택배 계정 (courier accounts) of a seller, their number bands (대역) and waybill settings.

An account says how its parcels get tracking numbers: FILE (the courier's Excel round trip),
BAND (numbers from the bands below, printed on our labels) or API (the courier issues them).
"""

from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum

from packline_couriers import COURIERS
from packline_waybill.domain.numbers import (
    BandExhausted,
    BandMisconfigured,
    NumberBand,
    tracking_number,
)

DEFAULT_LOW_WATER = 500


class Method(StrEnum):
    FILE = "FILE"
    BAND = "BAND"
    API = "API"


class AccountInvalid(ValueError):
    """Input that cannot make a valid account, band or setting; `field` names where."""

    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(message)
        self.field = field_name


class AccountNotFound(LookupError):
    """No such account for this seller (another seller's account is not found either)."""


class AccountConflict(RuntimeError):
    """The change conflicts with the current state (a name taken, the default disabled)."""


@dataclass(frozen=True)
class Sender:
    """보내는 분: printed on labels and written in courier files."""

    name: str
    phone: str
    address: str
    postcode: str


@dataclass(frozen=True)
class ApiAccess:
    base_url: str
    key_id: str
    secret: str | None = field(default=None, repr=False)  # None: still sealed, not opened here


@dataclass(frozen=True)
class CourierAccount:
    account_id: int
    seller_id: str
    courier_code: str
    name: str
    method: Method
    template_key: str
    sender: Sender
    api: ApiAccess | None
    disabled: bool
    created_at: datetime


@dataclass(frozen=True)
class NewAccount:
    seller_id: str
    courier_code: str
    name: str
    method: Method
    sender: Sender
    api: ApiAccess | None = None
    template_key: str = ""  # "": the courier's own template (its code)

    def checked(self) -> "NewAccount":
        """This account with its defaults filled in, or AccountInvalid naming the field."""
        if self.courier_code not in COURIERS:
            known = ", ".join(sorted(COURIERS))
            raise AccountInvalid(
                "courier_code", f"unknown courier code {self.courier_code!r}; use one of {known}"
            )
        if not COURIERS[self.courier_code].lengths:
            raise AccountInvalid(
                "courier_code",
                f"{self.courier_code} ships without a courier or tracking number; it needs no "
                "courier account",
            )
        if self.method is Method.API and self.api is None:
            raise AccountInvalid("api", "method API needs api access (base_url, key_id, secret)")
        if self.api is not None and not self.api.secret:
            raise AccountInvalid("api.secret", "api access needs its secret")
        return replace(self, template_key=self.template_key or self.courier_code)


def secret_context(account_id: int) -> str:
    """What a sealed API secret is bound to: it opens for this account's row only."""
    return f"waybill:courier_account:{account_id}"


@dataclass(frozen=True)
class Band:
    """A range of serials the courier assigned to the account (inclusive at both ends)."""

    band_id: int
    account_id: int
    start: int
    end: int
    next_serial: int
    low_water: int
    low_warned: bool
    created_at: datetime

    @property
    def remaining(self) -> int:
        return max(0, self.end - self.next_serial + 1)

    @property
    def low(self) -> bool:
        return self.remaining < self.low_water

    def overlaps(self, start: int, end: int) -> bool:
        return start <= self.end and self.start <= end


def check_band(courier_code: str, start: int, end: int, existing: list[Band]) -> None:
    """A new band must yield numbers the courier accepts and overlap none of the account's."""
    try:
        NumberBand(courier_code, start, end)
    except BandMisconfigured as exc:
        raise AccountInvalid("start", str(exc)) from None
    for band in existing:
        if band.overlaps(start, end):
            raise AccountInvalid(
                "start",
                f"band {start:011d}..{end:011d} overlaps band {band.band_id}"
                f" ({band.start:011d}..{band.end:011d}) of this account",
            )


@dataclass(frozen=True)
class Claim:
    """Serials taken from the account's bands, and the bands as they are afterwards."""

    serials: list[int]
    bands: list[Band]  # only those that changed

    def newly_low(self) -> list[Band]:
        return [b for b in self.bands if b.low and not b.low_warned]


def claim_serials(account_id: int, bands: list[Band], count: int) -> Claim:
    """`count` serials from the bands in creation order, spilling into the next band; all or
    nothing: BandExhausted (naming the account and what is left) when together they lack it."""
    if count < 1:
        raise ValueError(f"count must be at least 1, not {count}")
    ordered = sorted(bands, key=lambda b: (b.created_at, b.band_id))
    left = sum(b.remaining for b in ordered)
    if left < count:
        raise BandExhausted(
            f"courier account {account_id}: {count} tracking number(s) needed, {left} left in"
            f" {len(ordered)} band(s); add a band (POST /courier-accounts/{account_id}/bands)"
        )
    serials: list[int] = []
    changed: list[Band] = []
    for band in ordered:
        take = min(count - len(serials), band.remaining)
        if take == 0:
            continue
        serials.extend(range(band.next_serial, band.next_serial + take))
        changed.append(replace(band, next_serial=band.next_serial + take))
        if len(serials) == count:
            break
    return Claim(serials, changed)


def numbers(courier_code: str, serials: list[int]) -> list[str]:
    return [tracking_number(courier_code, s) for s in serials]


@dataclass(frozen=True)
class WaybillSettings:
    seller_id: str
    default_account_id: int | None
    pre_shipment_push: bool  # 가배송: the number may go to the marketplaces once issued
    updated_at: datetime | None  # None: never changed, the defaults
