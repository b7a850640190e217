"""A seller's marketplace account (판매처 계정) and its keys. Keys are stored sealed, opened only
to call the marketplace, never shown or logged: views carry masked forms only."""

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, model_validator

MarketplaceWithApi = Literal["COUPANG", "NAVER", "ELEVENST"]


def mask(value: str) -> str:
    """Enough to tell two keys apart, not enough to use one."""
    return value[:4] + "****" if len(value) >= 12 else "****"


class NewAccount(BaseModel):
    """Coupang: vendor_id, access_key, secret_key. Naver: client_id, client_secret. 11st:
    seller_login (the 판매자 ID), api_key (the openapikey)."""

    model_config = ConfigDict(extra="forbid", hide_input_in_errors=True)

    seller_id: str = Field(
        default="",
        max_length=64,
        description="Omitted: the signed-in seller's; naming another seller is answered 404",
    )
    marketplace: MarketplaceWithApi
    name: str = Field(min_length=1, max_length=100, description="A label, e.g. 쿠팡 본점")
    vendor_id: str = Field(default="", max_length=32)
    access_key: SecretStr = SecretStr("")
    secret_key: SecretStr = SecretStr("")
    client_id: str = Field(default="", max_length=64)
    client_secret: SecretStr = SecretStr("")
    seller_login: str = Field(
        default="", max_length=64, description="11st: the seller ID (판매자 ID) of the key"
    )
    api_key: SecretStr = SecretStr("")
    base_url: str = Field(default="", max_length=300, description="Empty: the real API host")
    interval_minutes: int = Field(default=10, strict=True, ge=1, le=1440)

    @model_validator(mode="after")
    def _keys_for_the_marketplace(self) -> "NewAccount":
        if self.marketplace == "COUPANG":
            missing = [
                n
                for n, v in (
                    ("vendor_id", self.vendor_id),
                    ("access_key", self.access_key.get_secret_value()),
                    ("secret_key", self.secret_key.get_secret_value()),
                )
                if not v
            ]
        elif self.marketplace == "ELEVENST":
            missing = [
                n
                for n, v in (
                    ("seller_login", self.seller_login),
                    ("api_key", self.api_key.get_secret_value()),
                )
                if not v
            ]
        else:
            missing = [
                n
                for n, v in (
                    ("client_id", self.client_id),
                    ("client_secret", self.client_secret.get_secret_value()),
                )
                if not v
            ]
        if missing:
            raise ValueError(f"a {self.marketplace} account needs {', '.join(missing)}")
        return self

    @property
    def login_id(self) -> str:
        if self.marketplace == "ELEVENST":
            return self.seller_login
        return self.vendor_id if self.marketplace == "COUPANG" else self.client_id

    @property
    def secret(self) -> str:
        if self.marketplace == "ELEVENST":
            return self.api_key.get_secret_value()
        value = self.secret_key if self.marketplace == "COUPANG" else self.client_secret
        return value.get_secret_value()


def key_context(account_id: uuid.UUID, column: str) -> str:
    """What a sealed key is bound to: a value copied to another account or column does not open."""
    return f"collector:marketplace_account:{account_id}:{column}"


@dataclass(frozen=True)
class SealedKeys:
    """An account's keys as stored (packline_runtime.secret_box values)."""

    secret: bytes = field(repr=False)  # Coupang secretKey, Naver client_secret, 11st API key
    access_key: bytes | None = field(default=None, repr=False)  # Coupang only


@dataclass(frozen=True)
class Account:
    account_id: uuid.UUID
    seller_id: str
    marketplace: str
    name: str
    login_id: str
    base_url: str
    interval_minutes: int
    keys: SealedKeys = field(repr=False)
    claims_read_to: datetime | None = None  # where the last full claims read ended

    @property
    def who(self) -> str:
        """How errors name the account: label, marketplace and public id, never a key."""
        id_name = {"COUPANG": "vendorId", "ELEVENST": "seller ID"}.get(
            self.marketplace, "client_id"
        )
        return f"{self.marketplace} account '{self.name}' ({id_name} {self.login_id})"

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> "Account":
        return cls(
            row["account_id"],
            row["seller_id"],
            row["marketplace"],
            row["name"],
            row["login_id"],
            row["base_url"],
            row["interval_minutes"],
            SealedKeys(row["secret_sealed"], row["access_key_sealed"]),
            row.get("claims_read_to"),
        )


def view(row: dict[str, Any]) -> dict[str, Any]:
    """An account as the HTTP API shows it: keys masked."""
    coupang = row["marketplace"] == "COUPANG"
    shown = {
        k: row[k]
        for k in (
            "account_id",
            "seller_id",
            "marketplace",
            "name",
            "base_url",
            "interval_minutes",
            "enabled",
            "next_collect_at",
            "last_collected_at",
            "last_error",
            "last_error_at",
            "created_at",
        )
    }
    if coupang:
        shown |= {
            "vendor_id": row["login_id"],
            "access_key": row["access_key_hint"],
            "secret_key": "********",
        }
    elif row["marketplace"] == "ELEVENST":
        shown |= {"seller_login": row["login_id"], "api_key": "********"}
    else:
        shown |= {"client_id": row["login_id"], "client_secret": "********"}
    return shown
