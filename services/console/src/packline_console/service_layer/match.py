"""매칭: the matcher's unmatched queue with its ranked SKU suggestions, mappings (one SKU, a
quantity, or a set of several SKUs; the matcher remembers each and applies it to later orders),
the mapping review list with delete (its orders go back to matching), and the catalogue upload.
Every call goes to the matcher as the signed-in person."""

from typing import Any

from packline_console.adapters.services import Services
from packline_console.domain.accounts import User


def _seller(user: User) -> dict[str, str]:
    return {"seller_id": user.seller_id} if user.seller_id else {}


def _paged(found: Any) -> tuple[list[dict[str, Any]], str | None]:
    items = found.get("items", []) if isinstance(found, dict) else []
    following = found.get("next") if isinstance(found, dict) else None
    return list(items), str(following) if following else None


async def unmatched(
    services: Services, user: User, limit: int, cursor: str | None, q: str | None = None
) -> tuple[list[dict[str, Any]], str | None]:
    params: dict[str, Any] = {"limit": limit, "suggestions": 5, "q": q or None, **_seller(user)}
    if cursor:
        params["cursor"] = cursor
    return _paged(await services.get(user, "matcher", "/unmatched", **params))


async def add_mapping(
    services: Services,
    user: User,
    marketplace: str,
    listing_id: str,
    option_id: str,
    skus: list[tuple[str, int]],
) -> list[str]:
    """The orders the new mapping released from the queue."""
    body = {
        **_seller(user),
        "marketplace": marketplace,
        "listing_id": listing_id,
        "option_id": option_id,
        "skus": [{"sku": s, "quantity": q} for s, q in skus],
        "created_by": user.email[:64],
    }
    done = await services.call(user, "matcher", "POST", "/mappings", json=body)
    return list(done.get("released_orders", []))


async def mappings(
    services: Services,
    user: User,
    limit: int,
    cursor: str | None,
    sku: str | None,
    q: str | None = None,
) -> tuple[list[dict[str, Any]], str | None]:
    params: dict[str, Any] = {"limit": limit, "q": q or None, **_seller(user)}
    if cursor:
        params["cursor"] = cursor
    if sku:
        params["sku"] = sku
    return _paged(await services.get(user, "matcher", "/mappings", **params))


async def delete_mapping(
    services: Services, user: User, marketplace: str, listing_id: str, option_id: str, reason: str
) -> list[str]:
    """The orders that went back to the unmatched queue."""
    params = {
        **_seller(user),
        "marketplace": marketplace,
        "listing_id": listing_id,
        "option_id": option_id,
        "decided_by": user.email[:64],
        "reason": reason,
    }
    done = await services.call(user, "matcher", "DELETE", "/mappings", params=params)
    return list(done.get("unmatched_orders", []))


async def import_catalogue(services: Services, user: User, content: bytes) -> int:
    params = {**_seller(user), "updated_by": user.email[:64]}
    done = await services.call(
        user,
        "matcher",
        "POST",
        "/catalogue/import",
        params=params,
        content=content,
    )
    return int(done.get("imported", 0))
