"""How the launcher's own clients (the demo, the end-to-end and bench helpers) call services:
as a person of one seller, with a fresh token from the stack's key on every call (a token lives
five minutes; a run lasts longer). The seller is the one the call names (`seller_id` in its
JSON body, its params or its query string), else the client's own; `/stats` is read with the
platform's sre token, counting across sellers, unless a seller is given."""

from collections.abc import Generator, Mapping
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx

from packline_launcher import keys
from packline_launcher.stack import Stack
from packline_runtime.tokens import Role


def headers(
    stack: Stack, seller_id: str = keys.PLATFORM, role: Role = Role.OWNER
) -> dict[str, str]:
    """`Authorization` for a call as a person of `seller_id` (a fresh token each time, so a
    long run never sends an expired one). `headers(stack, role=Role.SRE)`: the platform's view,
    counts across sellers."""
    return {"Authorization": f"Bearer {stack.token(seller_id, role)}"}


def named_seller(path: str, kwargs: Mapping[str, Any]) -> str | None:
    """The `seller_id` a request names, if any."""
    for part in ("json", "params"):
        given = kwargs.get(part)
        if isinstance(given, Mapping) and isinstance(given.get("seller_id"), str):
            return str(given["seller_id"])
    query = parse_qs(urlsplit(path).query).get("seller_id")
    return query[0] if query else None


def signed(
    stack: Stack,
    path: str,
    kwargs: dict[str, Any],
    seller: str | None = None,
    default: str | None = None,
    role: Role = Role.OWNER,
) -> dict[str, Any]:
    """`kwargs` for httpx with the Authorization header of the person the call acts as: of
    `seller` if given, else of the seller the call names, else (but for `/stats`, read across
    sellers) of `default`."""
    acting = seller or named_seller(path, kwargs)
    if acting is None and urlsplit(path).path == "/stats":
        auth = headers(stack, role=Role.SRE)
    elif acting is None and default is None:
        raise ValueError(f"{path}: name the seller the call acts for")
    else:
        auth = headers(stack, acting or default or "", role)
    return {**kwargs, "headers": {**(kwargs.get("headers") or {}), **auth}}


class SellerAuth(httpx.Auth):
    """httpx auth for a client that acts for one seller: a fresh token on every request, the
    platform's sre token for `/stats` (counts across sellers)."""

    def __init__(self, stack: Stack, seller: str, role: Role = Role.OWNER) -> None:
        self.stack = stack
        self.seller = seller
        self.role = role

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        if request.url.path == "/stats":
            request.headers.update(headers(self.stack, role=Role.SRE))
        else:
            request.headers.update(headers(self.stack, self.seller, self.role))
        yield request
