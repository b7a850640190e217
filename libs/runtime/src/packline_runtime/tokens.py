"""Service tokens (design.md § 7): the console signs a short-lived EdDSA (Ed25519) JWT for the
person it acts for; every service verifies it with the public key only, so no service can mint
one. Claims: `sub` (the person), `seller_id` (the tenant every read and write is scoped to),
`role` (owner, operator, viewer, or the platform role sre), `iat`, `exp` (at most five minutes
after `iat`), `iss` and `aud` fixed below. Keys travel as PEM in the environment:
PACKLINE_TOKEN_PUBLIC_KEY for services, PACKLINE_TOKEN_PRIVATE_KEY for the console only.
No message of this module contains a token or a key."""

from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from pydantic import BaseModel, ConfigDict, ValidationError

PUBLIC_KEY_ENV = "PACKLINE_TOKEN_PUBLIC_KEY"
PRIVATE_KEY_ENV = "PACKLINE_TOKEN_PRIVATE_KEY"
ISSUER = "packline-console"
AUDIENCE = "packline-services"
ALGORITHM = "EdDSA"
MAX_LIFETIME = timedelta(minutes=5)
LEEWAY_SECONDS = 5  # clocks of one machine or one cluster


class Role(StrEnum):
    OWNER = "owner"  # users, keys, rules, and all an operator does
    OPERATOR = "operator"  # the day's work
    VIEWER = "viewer"  # reads only
    SRE = "sre"  # the platform: metrics across sellers, no recipient data

    @property
    def may_change(self) -> bool:
        """Whether this role may change a seller's data (viewers and SREs read only)."""
        return self in (Role.OWNER, Role.OPERATOR)


class Caller(BaseModel):
    """Who a verified token speaks for."""

    model_config = ConfigDict(frozen=True)

    sub: str
    seller_id: str
    role: Role


class TokenError(Exception):
    """A token was missing, malformed, expired, or not signed by the console's key."""


def new_key_pair() -> tuple[str, str]:
    """(private PEM, public PEM) of a fresh Ed25519 key."""
    private = Ed25519PrivateKey.generate()
    private_pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode("ascii")
    return private_pem, public_pem_of(private_pem)


def public_pem_of(private_pem: str) -> str:
    private = load_private_key(private_pem)
    return (
        private.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode("ascii")
    )


def load_private_key(pem: str) -> Ed25519PrivateKey:
    try:
        key = serialization.load_pem_private_key(pem.encode("ascii"), password=None)
    except (ValueError, TypeError, UnicodeEncodeError):
        raise TokenError(f"{PRIVATE_KEY_ENV} is not a PEM private key") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise TokenError(f"{PRIVATE_KEY_ENV} must be an Ed25519 key")
    return key


def load_public_key(pem: str) -> Ed25519PublicKey:
    try:
        key = serialization.load_pem_public_key(pem.encode("ascii"))
    except (ValueError, TypeError, UnicodeEncodeError):
        raise TokenError(f"{PUBLIC_KEY_ENV} is not a PEM public key") from None
    if not isinstance(key, Ed25519PublicKey):
        raise TokenError(f"{PUBLIC_KEY_ENV} must be an Ed25519 key")
    return key


def sign(
    private_key: Ed25519PrivateKey,
    caller: Caller,
    *,
    lifetime: timedelta = MAX_LIFETIME,
    now: datetime | None = None,
) -> str:
    """A token for `caller`, valid for `lifetime` (never more than five minutes)."""
    if lifetime > MAX_LIFETIME or lifetime <= timedelta(0):
        raise ValueError(f"a token lives at most {MAX_LIFETIME}, not {lifetime}")
    issued = now or datetime.now(UTC)
    claims: dict[str, Any] = {
        "sub": caller.sub,
        "seller_id": caller.seller_id,
        "role": caller.role.value,
        "iat": int(issued.timestamp()),
        "exp": int((issued + lifetime).timestamp()),
        "iss": ISSUER,
        "aud": AUDIENCE,
    }
    return jwt.encode(claims, private_key, algorithm=ALGORITHM)


def verify(public_key: Ed25519PublicKey, token: str) -> Caller:
    """The caller a token speaks for, or TokenError saying what is wrong with it (never the
    token). Only EdDSA is accepted (no `none`, no HMAC with the public key as secret)."""
    try:
        claims = jwt.decode(
            token,
            public_key,
            algorithms=[ALGORITHM],
            audience=AUDIENCE,
            issuer=ISSUER,
            leeway=LEEWAY_SECONDS,
            options={"require": ["sub", "seller_id", "role", "iat", "exp", "iss", "aud"]},
        )
    except jwt.ExpiredSignatureError:
        raise TokenError("the token has expired") from None
    except jwt.InvalidTokenError as exc:
        raise TokenError(f"the token is not valid: {type(exc).__name__}") from None
    if claims["exp"] - claims["iat"] > MAX_LIFETIME.total_seconds():
        raise TokenError("the token lives longer than five minutes")
    try:
        return Caller(sub=claims["sub"], seller_id=claims["seller_id"], role=claims["role"])
    except ValidationError:
        raise TokenError("the token's claims are not a caller (sub, seller_id, role)") from None
