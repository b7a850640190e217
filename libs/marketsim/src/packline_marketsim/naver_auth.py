"""Naver Commerce OAuth: client_secret_sign = base64(bcrypt(client_id + "_" + timestamp,
salt=client_secret)), then a Bearer token that lasts 3 hours."""

import base64
import hmac
import secrets
from datetime import datetime, timedelta

import bcrypt
from fastapi import Request

from packline_marketsim.state import Simulator

TOKEN_LIFETIME = timedelta(hours=3)
REUSE_ABOVE = timedelta(minutes=30)  # a token with more left than this is handed out again
MAX_SKEW = timedelta(minutes=5)
_BCRYPT64 = "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"


class NaverError(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def canonical_salt(client_secret: str) -> bytes:
    """Java's bcrypt ignores the spare low bits of the salt's 22nd character (Naver's own example
    salt `…qrstuv` has them set); pyca/bcrypt refuses such a salt, so they are cleared first."""
    if len(client_secret) != 29:
        raise ValueError("a client secret is a bcrypt salt of 29 characters ($2a$NN$ + 22)")
    last = _BCRYPT64.index(client_secret[-1]) & 0b110000
    return (client_secret[:-1] + _BCRYPT64[last]).encode()


def client_secret_sign(client_id: str, timestamp_ms: int | str, client_secret: str) -> str:
    hashed = bcrypt.hashpw(f"{client_id}_{timestamp_ms}".encode(), canonical_salt(client_secret))
    return base64.b64encode(hashed).decode()


def issue(sim: Simulator, form: dict[str, str]) -> dict[str, object]:
    client_id = form.get("client_id", "")
    account = sim.naver.get(client_id)
    if form.get("grant_type") != "client_credentials" or form.get("type") != "SELF":
        raise NaverError(
            400, "BadRequest", "grant_type=client_credentials and type=SELF are required"
        )
    if account is None:
        raise NaverError(401, "GW.AUTHN", f"unknown client_id {client_id!r}")
    stamp = form.get("timestamp", "")
    if not stamp.isdigit():
        raise NaverError(400, "BadRequest", "timestamp must be epoch milliseconds")
    if abs(sim.now() - datetime.fromtimestamp(int(stamp) / 1000, sim.now().tzinfo)) > MAX_SKEW:
        raise NaverError(401, "GW.AUTHN", "timestamp is more than 5 minutes from now")
    expected = client_secret_sign(client_id, stamp, account.client_secret)
    if not hmac.compare_digest(expected, form.get("client_secret_sign", "")):
        raise NaverError(401, "GW.AUTHN", "client_secret_sign is invalid for this client_id")
    now = sim.now()
    for token, (owner, expires) in sim.tokens.items():
        if owner == client_id and expires - now > REUSE_ABOVE:
            return {
                "access_token": token,
                "expires_in": int((expires - now).total_seconds()),
                "token_type": "Bearer",
            }
    token = secrets.token_urlsafe(24)
    sim.tokens[token] = (client_id, now + TOKEN_LIFETIME)
    return {
        "access_token": token,
        "expires_in": int(TOKEN_LIFETIME.total_seconds()),
        "token_type": "Bearer",
    }


def client_of(sim: Simulator, request: Request) -> str:
    header = request.headers.get("authorization", "")
    token = header[7:] if header.startswith("Bearer ") else ""
    owner = sim.tokens.get(token)
    if owner is None:
        raise NaverError(401, "GW.AUTHN", "missing or unknown access token")
    if owner[1] <= sim.now():
        raise NaverError(401, "GW.AUTHN", "access token expired")
    return owner[0]
