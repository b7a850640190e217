"""The keys a stack makes once per work directory and keeps there (mode 0600), so what was
sealed or signed before a restart still opens after it: the secrets key every service seals
stored keys with, and the Ed25519 key pair of service tokens (the console signs with the
private half; services get only the public half)."""

import os
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from packline_runtime import secret_box, tokens

SECRETS_KEY_FILE = "secrets.key"
TOKEN_KEY_FILE = "token-signing.pem"
PLATFORM = "packline"  # the seller claim of an sre token: the platform, no seller's data


class NoTokenKey(Exception):
    """The work directory has no token key yet: no stack has run there."""


def kept(path: Path, make: Callable[[], str]) -> str:
    """The value stored at `path`, made by `make` (and written 0600) the first time."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text()
    with os.fdopen(descriptor, "w") as file:
        file.write(make())
    return path.read_text()


def secrets_key(workdir: Path) -> str:
    return kept(workdir / SECRETS_KEY_FILE, lambda: secret_box.new_key() + "\n").strip()


def token_private_key(workdir: Path) -> str:
    return kept(workdir / TOKEN_KEY_FILE, lambda: tokens.new_key_pair()[0])


def token_public_key(workdir: Path) -> str:
    return tokens.public_pem_of(token_private_key(workdir))


def mint(
    workdir: Path,
    seller_id: str,
    role: tokens.Role = tokens.Role.OWNER,
    sub: str = "packline-launcher",
    lifetime: timedelta = tokens.MAX_LIFETIME,
) -> str:
    """A service token signed with the stack's key: for the demo, tests and the CLI, which act
    as a person of `seller_id` the way the console does."""
    key = tokens.load_private_key(token_private_key(workdir))
    return tokens.sign(
        key, tokens.Caller(sub=sub, seller_id=seller_id, role=role), lifetime=lifetime
    )


def mint_existing(
    workdir: Path, seller_id: str, role: tokens.Role, sub: str = "packline-cli"
) -> str:
    """`mint` with the key a stack already made in `workdir` (`packline token`); NoTokenKey
    when there is none, rather than a new key no running service knows."""
    if not (workdir / TOKEN_KEY_FILE).is_file():
        raise NoTokenKey(f"no {TOKEN_KEY_FILE} in {workdir}: start the stack there first")
    return mint(workdir, seller_id, role, sub)
