"""Service tokens: only the console's key signs, only EdDSA verifies, five minutes at most."""

import base64
import json
from datetime import UTC, datetime, timedelta

import jwt
import pytest

from packline_runtime import tokens
from packline_runtime.tokens import Caller, Role, TokenError

CALLER = Caller(sub="kim@seller-a", seller_id="seller-a", role=Role.OPERATOR)


@pytest.fixture(scope="module")
def keys() -> tuple[str, str]:
    return tokens.new_key_pair()


def test_a_signed_token_verifies_to_its_caller(keys: tuple[str, str]) -> None:
    private, public = keys
    token = tokens.sign(tokens.load_private_key(private), CALLER)
    assert tokens.verify(tokens.load_public_key(public), token) == CALLER


def test_another_keys_token_is_refused(keys: tuple[str, str]) -> None:
    other_private, _ = tokens.new_key_pair()
    token = tokens.sign(tokens.load_private_key(other_private), CALLER)
    with pytest.raises(TokenError, match="not valid"):
        tokens.verify(tokens.load_public_key(keys[1]), token)


def test_an_expired_token_is_refused(keys: tuple[str, str]) -> None:
    old = datetime.now(UTC) - timedelta(minutes=10)
    token = tokens.sign(tokens.load_private_key(keys[0]), CALLER, now=old)
    with pytest.raises(TokenError, match="expired"):
        tokens.verify(tokens.load_public_key(keys[1]), token)


def test_a_token_may_not_live_longer_than_five_minutes(keys: tuple[str, str]) -> None:
    with pytest.raises(ValueError, match="at most"):
        tokens.sign(tokens.load_private_key(keys[0]), CALLER, lifetime=timedelta(hours=1))
    now = datetime.now(UTC)
    forged = jwt.encode(
        {
            "sub": "x",
            "seller_id": "seller-a",
            "role": "owner",
            "iat": int(now.timestamp()),
            "exp": int((now + timedelta(hours=1)).timestamp()),
            "iss": tokens.ISSUER,
            "aud": tokens.AUDIENCE,
        },
        tokens.load_private_key(keys[0]),
        algorithm="EdDSA",
    )
    with pytest.raises(TokenError, match="five minutes"):
        tokens.verify(tokens.load_public_key(keys[1]), forged)


def test_an_unsigned_token_is_refused(keys: tuple[str, str]) -> None:
    def part(obj: dict[str, object]) -> str:
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).rstrip(b"=").decode()

    now = int(datetime.now(UTC).timestamp())
    claims = {"sub": "x", "seller_id": "seller-a", "role": "owner", "iat": now, "exp": now + 60}
    claims |= {"iss": tokens.ISSUER, "aud": tokens.AUDIENCE}
    unsigned = f"{part({'alg': 'none', 'typ': 'JWT'})}.{part(claims)}."
    with pytest.raises(TokenError):
        tokens.verify(tokens.load_public_key(keys[1]), unsigned)


def test_an_unknown_role_is_refused(keys: tuple[str, str]) -> None:
    now = datetime.now(UTC)
    token = jwt.encode(
        {
            "sub": "x",
            "seller_id": "seller-a",
            "role": "admin",
            "iat": int(now.timestamp()),
            "exp": int((now + timedelta(minutes=1)).timestamp()),
            "iss": tokens.ISSUER,
            "aud": tokens.AUDIENCE,
        },
        tokens.load_private_key(keys[0]),
        algorithm="EdDSA",
    )
    with pytest.raises(TokenError, match="claims"):
        tokens.verify(tokens.load_public_key(keys[1]), token)


def test_viewers_and_sres_change_nothing() -> None:
    assert {r for r in Role if r.may_change} == {Role.OWNER, Role.OPERATOR}
