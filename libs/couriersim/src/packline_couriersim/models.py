"""The courier API's request bodies. Optional fields may be null, as callers send them."""

from pydantic import BaseModel, Field


class AddressIn(BaseModel):
    postcode: str = Field(max_length=20)
    address: str = Field(max_length=300)


class AddressRequest(BaseModel):
    addresses: list[AddressIn] = Field(min_length=1, max_length=100)


class Sender(BaseModel):
    name: str = Field(max_length=100)
    phone: str = Field(max_length=30)
    address: str = Field(max_length=300)


class Recipient(BaseModel):
    name: str = Field(max_length=100)
    phone: str = Field(max_length=30)
    postcode: str = Field(max_length=20)
    address: str = Field(max_length=300)


class Item(BaseModel):
    name: str = Field(max_length=200)
    quantity: int = Field(ge=1, le=10_000)


class Box(BaseModel):
    size: str | None = Field(default=None, max_length=20, description="극소/소/중/대 or a code")
    weight_g: int | None = Field(default=None, ge=0)


class ParcelIn(BaseModel):
    reference: str = Field(min_length=1, max_length=64, description="the shipper's own id")
    sender: Sender
    recipient: Recipient
    items: list[Item] = Field(min_length=1, max_length=100)
    box: Box | None = None
    message: str | None = Field(default=None, max_length=200)


class BookRequest(BaseModel):
    parcels: list[ParcelIn] = Field(min_length=1, max_length=100)


class TrackRequest(BaseModel):
    numbers: list[str] = Field(min_length=1, max_length=100)
