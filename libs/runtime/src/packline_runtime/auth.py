"""Every service API answers only a verified token (design.md § 7), except `/health/*` and
`/metrics`: `ServiceRuntime.create_app` puts `authorize` on every other route, so a new endpoint
cannot be left open. An endpoint scopes its reads and writes with the caller it gets from
`CallerDep`; `own_seller` turns a `seller_id` the request names into the caller's own, or 404
(another seller's data is answered as if it did not exist: no existence oracle).

Roles: owner and operator change things; a viewer reads only; the platform role `sre` reads only
`/stats` and `/flow` (counts and times), never recipient data. Owner-only routes add `OwnerDep`."""

from typing import Annotated

from fastapi import Depends, HTTPException, Request

from packline_runtime import tokens
from packline_runtime.tokens import Caller, Role, TokenError

CHANGES = frozenset({"POST", "PUT", "PATCH", "DELETE"})
SRE_READS = frozenset({"/stats", "/flow"})  # counts and times: no recipient data, no names
OPEN_PATHS = frozenset({"/health/live", "/health/ready", "/metrics"})
BEARER = {"WWW-Authenticate": 'Bearer realm="packline"'}


class Verifier:
    """Holds the console's public key (PACKLINE_TOKEN_PUBLIC_KEY); a service without it
    refuses every request that needs a token, saying so."""

    def __init__(self, public_pem: str) -> None:
        self._key = tokens.load_public_key(public_pem) if public_pem.strip() else None

    def caller(self, authorization: str | None) -> Caller:
        if self._key is None:
            raise _unauthorized(
                f"this service has no {tokens.PUBLIC_KEY_ENV}; it cannot verify any token"
            )
        scheme, _, token = (authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise _unauthorized("sign in: send `Authorization: Bearer <token>`")
        try:
            return tokens.verify(self._key, token.strip())
        except TokenError as exc:
            raise _unauthorized(str(exc)) from None


def _unauthorized(detail: str) -> HTTPException:
    return HTTPException(status_code=401, detail=detail, headers=BEARER)


def _verifier(request: Request) -> Verifier:
    verifier = getattr(request.app.state, "verifier", None)
    if not isinstance(verifier, Verifier):
        raise _unauthorized("this service was built without a token verifier")
    return verifier


async def authorize(request: Request) -> Caller:
    """The route dependency every non-open route carries: a valid token, and a role allowed to
    do what the request does. FastAPI caches it per request, so `CallerDep` costs nothing."""
    cached = getattr(request.state, "caller", None)
    if isinstance(cached, Caller):
        return cached
    caller = _verifier(request).caller(request.headers.get("authorization"))
    if caller.role is Role.SRE:
        if request.method != "GET" or request.url.path not in SRE_READS:
            raise HTTPException(status_code=403, detail="the sre role reads only /stats and /flow")
    elif request.method in CHANGES and not caller.role.may_change:
        raise HTTPException(status_code=403, detail=f"a {caller.role.value} may not change data")
    request.state.caller = caller
    return caller


CallerDep = Annotated[Caller, Depends(authorize)]


async def owner(caller: CallerDep) -> Caller:
    if caller.role is not Role.OWNER:
        raise HTTPException(status_code=403, detail="only the seller's owner may do this")
    return caller


OwnerDep = Annotated[Caller, Depends(owner)]


def own_seller(caller: Caller, seller_id: str | None) -> str:
    """The seller a request acts for: the caller's. A request naming another seller gets 404,
    the same answer as for something that does not exist."""
    if seller_id is not None and seller_id != caller.seller_id:
        raise HTTPException(status_code=404, detail="no such seller")
    return caller.seller_id
