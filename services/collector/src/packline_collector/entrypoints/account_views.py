"""How the HTTP API shows a marketplace account: one shape per marketplace (the `marketplace`
field tells which), keys never shown (masked, or a hint of Coupang's access key)."""

import uuid
from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, BaseModel, Field, TypeAdapter

MASK = Field(description="Always ******** (the key is stored sealed, never shown)")


class _Account(BaseModel):
    account_id: uuid.UUID
    seller_id: str
    name: str
    base_url: str = Field(description="Empty: the marketplace's own API host")
    interval_minutes: int = Field(description="Collected automatically this often")
    enabled: bool
    next_collect_at: AwareDatetime
    last_collected_at: AwareDatetime | None
    last_error: str = Field(description="The last collection's error naming the account; empty")
    last_error_at: AwareDatetime | None
    created_at: AwareDatetime


class CoupangAccount(_Account):
    marketplace: Literal["COUPANG"]
    vendor_id: str = Field(description="업체코드 (vendorId)")
    access_key: str = Field(description="The access key's first characters and a mask")
    secret_key: str = MASK


class NaverAccount(_Account):
    marketplace: Literal["NAVER"]
    client_id: str = Field(description="커머스API 애플리케이션 ID")
    client_secret: str = MASK


class ElevenstAccount(_Account):
    marketplace: Literal["ELEVENST"]
    seller_login: str = Field(description="11번가 판매자 ID")
    api_key: str = MASK


class EsmAccount(_Account):
    marketplace: Literal["ESM"]
    master_id: str = Field(description="ESM+ master id")
    gmarket_seller_id: str = Field(description="G마켓 seller id; empty: no Gmarket site")
    auction_seller_id: str = Field(description="옥션 seller id; empty: no Auction site")
    secret_key: str = MASK


AccountView = Annotated[
    CoupangAccount | NaverAccount | ElevenstAccount | EsmAccount,
    Field(discriminator="marketplace"),
]
_READ: TypeAdapter[Any] = TypeAdapter(AccountView)


def shown(account: dict[str, Any]) -> CoupangAccount | NaverAccount | ElevenstAccount | EsmAccount:
    """domain.accounts.view's dict as its marketplace's model."""
    found: CoupangAccount | NaverAccount | ElevenstAccount | EsmAccount = _READ.validate_python(
        account
    )
    return found
