"""The request and answer models of the courier accounts API (`http_accounts`)."""

from datetime import datetime
from typing import Annotated

from fastapi import Query
from pydantic import BaseModel, ConfigDict, Field, SecretStr, StringConstraints

from packline_waybill.domain import accounts as domain
from packline_waybill.domain.numbers import MAX_SERIAL

_PRINTABLE = (
    r"^[^\x00-\x1f\x7f]*[^\s\x00-\x1f\x7f][^\x00-\x1f\x7f]*$"  # no control characters, not blank
)


def _text(max_length: int) -> StringConstraints:
    return StringConstraints(min_length=1, max_length=max_length, pattern=_PRINTABLE)


SELLER = "Default: the token's seller; naming another seller is answered 404"
SellerId = Annotated[
    str | None, Query(min_length=1, max_length=64, pattern=_PRINTABLE, description=SELLER)
]
Serial = Annotated[int, Field(strict=True, ge=0, le=MAX_SERIAL, description="11-digit serial")]
By = Annotated[
    str | None,
    _text(100),
    Field(description="Ignored: the token's person (`sub`) is recorded as the one who did it"),
]
Seller = Annotated[str | None, _text(64), Field(description=SELLER)]


class SenderModel(BaseModel):
    """보내는 분: printed on labels and written in courier files."""

    model_config = ConfigDict(extra="forbid")
    name: Annotated[str, _text(100)]
    phone: Annotated[str, StringConstraints(pattern=r"^[0-9][0-9 -]{6,18}[0-9]$")]
    address: Annotated[str, _text(300)]
    postcode: Annotated[str, StringConstraints(pattern=r"^([0-9]{5}|[0-9]{3}-?[0-9]{3})$")]


class ApiAccessIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    base_url: Annotated[str, StringConstraints(max_length=300, pattern=r"^https?://[^\s\x00]+$")]
    key_id: Annotated[str, _text(200)]
    secret: SecretStr = Field(min_length=1, max_length=4000)


class ApiAccessOut(BaseModel):
    base_url: str
    key_id: str
    secret_stored: bool = Field(description="The secret is stored (sealed); it is never shown")


class NewCourierAccount(BaseModel):
    model_config = ConfigDict(extra="forbid")
    seller_id: Seller = None
    courier_code: Annotated[str, StringConstraints(max_length=20)]
    name: Annotated[str, _text(100)]
    method: domain.Method = Field(description="How parcels get numbers: FILE, BAND or API")
    template_key: Annotated[str, StringConstraints(max_length=50, pattern=r"^[A-Za-z0-9_-]*$")] = ""
    sender: SenderModel
    api: ApiAccessIn | None = None
    by: By = None


class CourierAccountView(BaseModel):
    account_id: int
    seller_id: str
    courier_code: str
    courier_name: str
    name: str
    method: domain.Method
    template_key: str
    sender: SenderModel
    api: ApiAccessOut | None
    disabled: bool
    created_at: datetime


class Change(BaseModel):
    model_config = ConfigDict(extra="forbid")
    by: By = None


class NewBand(BaseModel):
    model_config = ConfigDict(extra="forbid")
    start: Serial
    end: Serial
    low_water: int = Field(default=domain.DEFAULT_LOW_WATER, strict=True, ge=0, le=MAX_SERIAL)
    by: By = None


class BandView(BaseModel):
    band_id: int
    start: int
    end: int
    next: int
    remaining: int
    low_water: int
    low: bool = Field(description="Fewer than low_water numbers left: ask the courier for more")
    created_at: datetime


class SettingsChange(BaseModel):
    model_config = ConfigDict(extra="forbid")
    seller_id: Seller = None
    default_account_id: int | None = Field(default=None, strict=True, ge=1, le=2**63 - 1)
    pre_shipment_push: bool = Field(default=False, description="가배송: push numbers when issued")
    by: By = None


class SettingsView(BaseModel):
    seller_id: str
    default_account_id: int | None
    pre_shipment_push: bool
    updated_at: datetime | None


class CourierView(BaseModel):
    code: str
    name: str
    lengths: list[int]
