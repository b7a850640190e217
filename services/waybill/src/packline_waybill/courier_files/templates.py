"""Courier Excel templates (송장 엑셀 양식): which header carries which parcel field, per courier.

CJ대한통운 and 우체국 headers are the ones domain.md records; 롯데, 한진 and 로젠 use the usual
Korean headers and are starting points: a seller copies a template and adjusts headers and order
(`template_from_json`). Reading a returned file matches headers by text, with aliases.
"""

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from packline_couriers import COURIERS

# Fields a column can carry. Constant fields take the column's `value` (운임구분 "신용", ...).
PARCEL_FIELDS = frozenset(
    {
        "reference", "recipient_name", "phone", "mobile", "postcode", "address_full",
        "address_base", "address_detail", "item_summary", "item_quantity", "message",
        "tracking_number", "sender_name", "sender_phone", "sender_address",
    }
)  # fmt: skip
CONSTANT_FIELDS = frozenset({"box_count", "box_type", "freight", "blank"})
FIELDS = PARCEL_FIELDS | CONSTANT_FIELDS

# Headers couriers use for the same thing in returned files, whatever the template says.
DEFAULT_ALIASES: Mapping[str, tuple[str, ...]] = {
    "tracking_number": ("운송장번호", "송장번호", "운송장 번호", "등기번호", "택배송장번호"),
    "reference": ("고객주문번호", "주문번호", "참조번호", "고객사주문번호"),
    "recipient_name": ("받는분성명", "받는분", "수취인명", "수하인명", "수령인"),
    "phone": ("받는분전화번호", "수취인 전화번호", "수하인전화번호", "받는분핸드폰"),
    "mobile": ("받는분기타연락처", "수취인 이동통신", "수하인휴대폰", "받는분핸드폰"),
}


class TemplateError(ValueError):
    """A template that cannot be used; the message names the column and what is wrong."""


def header_key(text: str) -> str:
    """Headers compare without spaces/newlines and in NFC (files from Macs arrive in NFD)."""
    return "".join(unicodedata.normalize("NFC", text).split()).casefold()


@dataclass(frozen=True)
class Column:
    header: str
    field: str
    value: str | None = None  # constant fields only
    aliases: tuple[str, ...] = ()  # other headers a returned file may use for this column

    def __post_init__(self) -> None:
        if self.field not in FIELDS:
            raise TemplateError(
                f"column {self.header!r}: unknown field {self.field!r}; use one of "
                + ", ".join(sorted(FIELDS))
            )
        if not self.header.strip():
            raise TemplateError(f"a column for {self.field!r} has an empty header")
        if self.value is not None and self.field not in CONSTANT_FIELDS:
            raise TemplateError(
                f"column {self.header!r}: only {', '.join(sorted(CONSTANT_FIELDS))} take a value"
            )


@dataclass(frozen=True)
class Template:
    key: str
    courier_code: str
    name: str
    columns: tuple[Column, ...]
    reference_header: str
    number_header: str

    def __post_init__(self) -> None:
        if self.courier_code not in COURIERS:
            raise TemplateError(
                f"template {self.key!r}: unknown courier code {self.courier_code!r}; "
                f"use one of {', '.join(sorted(COURIERS))}"
            )
        seen: set[str] = set()
        for column in self.columns:
            if header_key(column.header) in seen:
                raise TemplateError(
                    f"template {self.key!r}: header {column.header!r} appears twice"
                )
            seen.add(header_key(column.header))
        for role, header, field in (
            ("reference_header", self.reference_header, "reference"),
            ("number_header", self.number_header, "tracking_number"),
        ):
            found = self.column_for(header)
            if found is None or found.field != field:
                raise TemplateError(
                    f"template {self.key!r}: {role} {header!r} must be a column with field {field!r}"
                )

    def column_for(self, header: str) -> Column | None:
        return next((c for c in self.columns if header_key(c.header) == header_key(header)), None)

    def headers_for(self, field: str) -> tuple[str, ...]:
        """Every header a returned file may use for `field`: the template's, then aliases."""
        own = [h for c in self.columns if c.field == field for h in (c.header, *c.aliases)]
        return tuple(dict.fromkeys([*own, *DEFAULT_ALIASES.get(field, ())]))


class _ColumnModel(BaseModel):
    model_config = ConfigDict(extra="forbid")
    header: str = Field(min_length=1, max_length=100)
    field: str
    value: str | None = Field(default=None, max_length=200)
    aliases: list[str] = Field(default_factory=list, max_length=20)


class _TemplateModel(BaseModel):
    model_config = ConfigDict(extra="forbid")
    key: str = Field(min_length=1, max_length=50, pattern=r"^[A-Za-z0-9_-]+$")
    courier_code: str
    name: str = Field(min_length=1, max_length=100)
    columns: list[_ColumnModel] = Field(min_length=2, max_length=100)
    reference_header: str
    number_header: str


def template_from_json(data: Any) -> Template:
    """A seller's copy of a template (JSON text or parsed); raises TemplateError saying what is
    wrong and where."""
    try:
        if isinstance(data, str | bytes):
            model = _TemplateModel.model_validate_json(data)
        else:
            model = _TemplateModel.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'template'}: {e['msg']}" for e in exc.errors()
        )
        raise TemplateError(f"invalid template: {problems}") from exc
    return Template(
        key=model.key,
        courier_code=model.courier_code,
        name=model.name,
        columns=tuple(Column(c.header, c.field, c.value, tuple(c.aliases)) for c in model.columns),
        reference_header=model.reference_header,
        number_header=model.number_header,
    )


def template_to_json(template: Template) -> dict[str, Any]:
    """The JSON a seller copies and edits (the inverse of template_from_json)."""
    return {
        "key": template.key,
        "courier_code": template.courier_code,
        "name": template.name,
        "columns": [
            {"header": c.header, "field": c.field, "value": c.value, "aliases": list(c.aliases)}
            for c in template.columns
        ],
        "reference_header": template.reference_header,
        "number_header": template.number_header,
    }
