"""People and their sessions, as the console's pages see them."""

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from packline_runtime.tokens import Role

EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
MIN_PASSWORD_LENGTH = 10

ROLE_NAMES = {  # how the pages name roles
    Role.OWNER: "대표(소유자)",
    Role.OPERATOR: "운영자",
    Role.VIEWER: "조회 전용",
    Role.SRE: "SRE(플랫폼)",
}


class User(BaseModel):
    model_config = ConfigDict(frozen=True)

    user_id: int
    email: str
    seller_id: str | None = Field(description="None only for the platform role sre")
    role: Role

    @property
    def may_change(self) -> bool:
        return self.role.may_change

    @property
    def is_owner(self) -> bool:
        return self.role is Role.OWNER

    @property
    def role_name(self) -> str:
        return ROLE_NAMES[self.role]


class Session(BaseModel):
    """A signed-in person: the session's stored key (a hash of the cookie), its CSRF token."""

    model_config = ConfigDict(frozen=True)

    key: str
    user: User
    csrf_token: str
    created_at: datetime
    last_seen_at: datetime


def normal_email(email: str) -> str:
    return email.strip().lower()


class AccountError(Exception):
    """A change to accounts that cannot be made; the message says why, in Korean."""
