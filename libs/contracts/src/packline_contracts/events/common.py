"""Value objects shared by several events: marketplaces, recipients, order lines, SKU lines."""

from enum import StrEnum
from typing import Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationInfo, model_validator

from packline_contracts.text_rules import check_nul


class Marketplace(StrEnum):
    COUPANG = "COUPANG"
    NAVER = "NAVER"
    ELEVENST = "ELEVENST"
    GMARKET = "GMARKET"
    AUCTION = "AUCTION"
    OWN_SHOP = "OWN_SHOP"


class Value(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    @model_validator(mode="after")
    def _no_nul(self, info: ValidationInfo) -> "Value":
        check_nul(self.__dict__, info)
        return self


class OrderRef(Value):
    """One marketplace shipment unit (Coupang shipmentBoxId, Naver productOrder, 11st dlvNo) of
    one seller: two sellers may both have an own-shop or Excel order `A-1`."""

    seller_id: str = Field(min_length=1, max_length=64, description="The seller it belongs to")
    marketplace: Marketplace
    marketplace_order_id: str = Field(min_length=1, max_length=64)

    @property
    def uid(self) -> str:
        """The order's identity as one string, the key of every table that holds orders."""
        return f"{self.seller_id}:{self.marketplace.value}:{self.marketplace_order_id}"


class Recipient(Value):
    """Who receives the package (수취인). Personal data: never log these fields."""

    name: str = Field(min_length=1, max_length=100)
    phone: str = Field(default="", max_length=32, description="Landline or other number")
    mobile: str = Field(default="", max_length=32, description="Mobile (휴대폰) number")
    postcode: str = Field(default="", max_length=10, description="5-digit, or legacy xxx-xxx")
    address1: str = Field(min_length=1, max_length=300, description="Base address")
    address2: str = Field(default="", max_length=300, description="Detailed address (동/호)")
    message: str = Field(default="", max_length=300, description="Delivery message (배송메세지)")
    building_management_no: str = Field(
        default="",
        max_length=32,
        pattern=r"^[0-9]*$",
        description="건물관리번호 when the marketplace gives one (Naver buildingManagementNo)",
    )
    road_name_address: bool | None = Field(
        default=None,
        description="address1 is a road-name (도로명) address, false a lot-number (지번) one; "
        "null when the marketplace does not say (Naver isRoadNameAddress)",
    )


class OrderLine(Value):
    """One line of a marketplace order: a listing + option, a quantity and its money in KRW."""

    line_id: str = Field(min_length=1, max_length=64)
    listing_id: str = Field(min_length=1, max_length=64, description="Product/listing id")
    option_id: str = Field(
        default="", max_length=64, description="Option id (Coupang vendorItemId)"
    )
    product_name: str = Field(default="", max_length=300)
    option_name: str = Field(default="", max_length=300)
    seller_sku_code: str = Field(
        default="", max_length=64, description="externalVendorSkuCode etc."
    )
    quantity: int = Field(ge=1)
    unit_price_krw: int = Field(ge=0)
    amount_krw: int = Field(ge=0, description="Paid amount of the line, integer KRW")


class SkuLine(Value):
    """A quantity of one of the seller's own SKUs."""

    sku: str = Field(min_length=1, max_length=64)
    quantity: int = Field(ge=1)


class MatchedLine(Value):
    """The SKUs one order line resolved to (a set or kit resolves to several)."""

    line_id: str = Field(min_length=1, max_length=64)
    skus: tuple[SkuLine, ...] = Field(min_length=1)


class BundleMember(Value):
    """One source order inside a bundle; its identity is kept so tracking is pushed per order."""

    order: OrderRef
    paid_at: AwareDatetime
    amount_krw: int = Field(ge=0)
    lines: tuple[OrderLine, ...] = Field(min_length=1)
    matched_lines: tuple[MatchedLine, ...] = Field(min_length=1)


class ShippedOrder(Value):
    """One marketplace order in a shipped package, with the state of its tracking push."""

    order: OrderRef
    line_ids: tuple[str, ...] = Field(min_length=1)
    push_status: str = Field(
        default="PENDING",
        pattern="^(PENDING|PUSHED|FAILED|NOT_REQUIRED)$",
        description="Tracking-number push to the marketplace",
    )


def parcel_is_the_bundle(data: Any) -> Any:
    """Raw input of an event written before parcels had their own id: its parcel is its bundle."""
    if isinstance(data, dict) and "parcel_id" not in data and "bundle_id" in data:
        return {**data, "parcel_id": data["bundle_id"]}
    return data
