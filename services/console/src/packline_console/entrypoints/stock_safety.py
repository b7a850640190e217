"""안전재고 on 할당's stock list: units per SKU held back from the marketplaces (set from pasted
`SKU,안전재고` lines), and 해제, a person releasing a SKU's safety stock to allocation (the
allocator's wave then gives it out); what was set or released is said with the numbers."""

from functools import partial
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from packline_console.adapters.services import ServiceDown, ServiceProblem
from packline_console.domain.accounts import Session
from packline_console.entrypoints import allocate_page, page_kit
from packline_console.entrypoints.stock_words import released_notice, safety_notice, sku_problems
from packline_console.entrypoints.web import ChangeDep, Console, ConsoleDep, said

router = APIRouter(prefix="/allocate/safety")


@router.post("")
async def set_safety(
    request: Request,
    console: ConsoleDep,
    session: ChangeDep,
    safety_lines: Annotated[str, Form(max_length=500_000)] = "",
    note: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    """안전재고 저장: one `SKU,안전재고` a line; all together or none."""
    pairs, errors = page_kit.quantity_lines(safety_lines, "SKU")
    if len({sku for sku, _ in pairs}) != len(pairs):
        errors.append("같은 SKU가 두 번 있습니다. 한 SKU는 한 줄에만 적어 주세요.")
    kept = {"safety_lines": safety_lines[:20_000]}
    if errors:
        return await allocate_page.show(request, console, session, 422, errors=errors, **kept)
    user = session.user
    body = {
        "seller_id": user.seller_id,
        "note": note,
        "items": [{"sku": sku, "safety": n} for sku, n in pairs],
    }
    answer = await page_kit.attempt(
        console.services.call(user, "allocator", "PUT", "/stock/safety", json=body),
        partial(_failed, request, console, session, **kept),
    )
    return said(request, allocate_page.PAGE, safety_notice(answer))


@router.post("/release")
async def release_safety(
    request: Request,
    console: ConsoleDep,
    session: ChangeDep,
    sku: Annotated[str, Form(min_length=1, max_length=64)],
) -> Response:
    """해제: the SKU's safety stock goes back to allocation (to 0)."""
    user = session.user
    body = {"seller_id": user.seller_id, "skus": [sku.strip()]}
    answer = await page_kit.attempt(
        console.services.call(user, "allocator", "POST", "/stock/safety/release", json=body),
        partial(_failed, request, console, session),
    )
    return said(request, allocate_page.PAGE, released_notice(answer))


async def _failed(
    request: Request,
    console: Console,
    session: Session,
    exc: ServiceDown | ServiceProblem,
    /,
    **kept: str,
) -> Response:
    status, message = page_kit.failure(exc)
    errors = sku_problems(exc)
    return await allocate_page.show(
        request, console, session, status, error=message, errors=errors, **kept
    )
