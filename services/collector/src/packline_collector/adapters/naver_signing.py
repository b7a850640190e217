"""Naver Commerce's client_secret_sign: base64(bcrypt(client_id + "_" + timestamp, salt=secret))."""

import base64

import bcrypt

_BCRYPT64 = "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"


class BadClientSecret(ValueError):
    pass


def _salt(client_secret: str) -> bytes:
    """Naver's secret is a bcrypt salt. Java's bcrypt ignores the spare low bits of its 22nd
    character (the official example `…qrstuv` has them set); pyca/bcrypt refuses such a salt,
    so they are cleared first. The hash is the same either way."""
    if len(client_secret) != 29 or not client_secret.startswith("$2"):
        raise BadClientSecret("a Naver client secret looks like $2a$04$ followed by 22 characters")
    if client_secret[-1] not in _BCRYPT64:
        raise BadClientSecret("the client secret has a character bcrypt does not use")
    return (client_secret[:-1] + _BCRYPT64[_BCRYPT64.index(client_secret[-1]) & 0b110000]).encode()


def client_secret_sign(client_id: str, timestamp_ms: int, client_secret: str) -> str:
    hashed = bcrypt.hashpw(f"{client_id}_{timestamp_ms}".encode(), _salt(client_secret))
    return base64.b64encode(hashed).decode()
