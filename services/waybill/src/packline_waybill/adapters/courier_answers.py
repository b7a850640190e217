"""The courier API's answers as the adapter accepts them: anything else is a malformed answer,
reported per parcel, never a crash."""

from typing import Self

from pydantic import BaseModel, Field, model_validator


class CourierErrorBody(BaseModel):
    code: str = Field(min_length=1, max_length=100)
    message: str = Field(default="", max_length=1000)


class SortingBody(BaseModel):
    sort_code: str = Field(min_length=1, max_length=40)
    terminal: str | None = Field(default=None, max_length=40)
    branch: str | None = Field(default=None, max_length=40)
    zone: str | None = Field(default=None, max_length=40)


class BookResult(BaseModel):
    reference: str
    tracking_number: str | None = Field(default=None, pattern=r"^[0-9]{8,16}$")
    sorting: SortingBody | None = None
    error: CourierErrorBody | None = None

    @model_validator(mode="after")
    def _number_or_error(self) -> Self:
        if self.error is None and (self.tracking_number is None or self.sorting is None):
            raise ValueError("a result needs a tracking_number and sorting codes, or an error")
        return self


class BookAnswer(BaseModel):
    results: list[BookResult]


class AddressResult(BaseModel):
    index: int = Field(ge=0)
    ok: bool
    sort_code: str | None = Field(default=None, max_length=40)
    terminal: str | None = Field(default=None, max_length=40)
    branch: str | None = Field(default=None, max_length=40)
    zone: str | None = Field(default=None, max_length=40)
    error: CourierErrorBody | None = None

    @model_validator(mode="after")
    def _codes_or_error(self) -> Self:
        if self.ok and not self.sort_code:
            raise ValueError("an ok address needs a sort_code")
        if not self.ok and self.error is None:
            raise ValueError("a failed address needs an error")
        return self


class AddressAnswer(BaseModel):
    results: list[AddressResult]


class TrackResult(BaseModel):
    tracking_number: str
    status: str | None = Field(default=None, pattern=r"^[A-Z_]{1,40}$")
    error: CourierErrorBody | None = None


class TrackAnswer(BaseModel):
    results: list[TrackResult]
