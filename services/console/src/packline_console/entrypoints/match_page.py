"""매칭: 미매칭 주문 with the matcher's ranked SKU suggestions (one click maps, and the mapping is
remembered for later orders), quantity and set mapping, 매칭 내역 (review and delete: its orders
go back to matching) and the catalogue upload. Both lists download as Excel."""

from collections.abc import Awaitable, Callable
from functools import partial
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import Response

from packline_console.adapters.services import ServiceDown, ServiceProblem
from packline_console.entrypoints.listing import MAX_EXPORT_ROWS, ListQuery, xlsx
from packline_console.entrypoints.page_kit import (
    Sections,
    attempt,
    failure,
    field_errors,
    row_errors,
    upload_bytes,
    whole,
)
from packline_console.entrypoints.web import (
    ChangeDep,
    ConsoleDep,
    Refused,
    SessionDep,
    render,
    said,
)
from packline_console.service_layer import match
from packline_console.service_layer.register import MARKETPLACES

PAGE = "/match"
router = APIRouter(prefix=PAGE)
Code = Annotated[str, Form(min_length=1, max_length=64)]
Paged = Callable[[int, str | None], Awaitable[tuple[list[dict[str, Any]], str | None]]]
QUEUE_COLUMNS = (
    ("order", "주문"),
    ("listing_id", "상품코드"),
    ("option_id", "옵션코드"),
    ("product_name", "상품명"),
    ("option_name", "옵션"),
    ("quantity", "수량"),
    ("suggested", "추천 SKU"),
)
MAPPING_COLUMNS = (
    ("marketplace", "판매처"),
    ("listing_id", "상품코드"),
    ("option_id", "옵션코드"),
    ("skus_shown", "SKU × 수량"),
    ("created_by", "매칭한 사람"),
    ("created_at", "매칭 시각"),
)


def _queue_rows(orders: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per line still waiting for a mapping, as the page and the Excel show them."""
    rows = []
    for order in orders:
        for line in order.get("lines", []):
            if not line.get("unmatched"):
                continue
            row = {"order": order["order"], "marketplace": order["marketplace"], **line}
            row["suggested"] = ", ".join(s["sku"] for s in line.get("suggestions", []))
            rows.append(row)
    return rows


def _mapping_rows(items: list[dict[str, Any]], lq: ListQuery) -> list[dict[str, Any]]:
    only_sets = lq.params and dict(lq.params).get("multi") == "1"
    rows = []
    for m in items:
        skus = m.get("skus", [])
        row = {**m, "skus_shown": ", ".join(f"{s['sku']} × {s['quantity']}" for s in skus)}
        units = sum(int(s.get("quantity", 0)) for s in skus)
        if not (only_sets and units < 2):
            rows.append(row)
    return rows


async def _all(fetch: Paged) -> list[dict[str, Any]]:
    """Every item of a cursor-paged list (for an Excel download), up to the export cap."""
    items: list[dict[str, Any]] = []
    cursor: str | None = None
    while len(items) < MAX_EXPORT_ROWS:
        found, cursor = await fetch(200, cursor)
        items += found
        if cursor is None:
            break
    return items


async def _page(
    request: Request, console: ConsoleDep, session: SessionDep, status: int = 200, **said: Any
) -> Response:
    lq = ListQuery.of(request, default_preset="all")
    sections = Sections()
    after = request.query_params.get("after") or None
    found = await sections.load(
        match.unmatched(console.services, session.user, lq.size, after, lq.q)
    )
    orders, following = found or ([], None)
    return render(
        request,
        "match.html",
        "match",
        status,
        lq=lq,
        rows=_queue_rows(orders),
        following=following,
        marketplaces=MARKETPLACES,
        banners=sections.banners,
        **said,
    )


async def _failed(
    request: Request, console: ConsoleDep, session: SessionDep, exc: ServiceDown | ServiceProblem
) -> Response:
    status, message = failure(exc)
    problems = row_errors(exc) if isinstance(exc, ServiceProblem) else []
    fields = field_errors(exc) if isinstance(exc, ServiceProblem) else []
    return await _page(
        request, console, session, status, error=message, problems=problems, fields=fields
    )


@router.get("")
async def match_page(request: Request, console: ConsoleDep, session: SessionDep) -> Response:
    lq = ListQuery.of(request, default_preset="all")
    if lq.export:

        async def fetch(limit: int, cursor: str | None) -> Any:
            return await match.unmatched(console.services, session.user, limit, cursor, lq.q)

        try:
            orders = await _all(fetch)
        except (ServiceDown, ServiceProblem) as exc:
            return await _failed(request, console, session, exc)
        return xlsx("미매칭", QUEUE_COLUMNS, _queue_rows(orders))
    return await _page(request, console, session)


@router.post("/map")
async def add_mapping(
    request: Request,
    console: ConsoleDep,
    session: ChangeDep,
    marketplace: Annotated[str, Form()],
    listing_id: Code,
    option_id: Annotated[str, Form(max_length=64)] = "",
    sku: Annotated[list[str] | None, Form()] = None,
    quantity: Annotated[list[str] | None, Form()] = None,
) -> Response:
    if marketplace not in MARKETPLACES:
        raise Refused(422, "판매처를 확인하세요.")
    codes, amounts = sku or [], quantity or []
    chosen: list[tuple[str, int]] = []
    for n, code in enumerate(codes):
        if code.strip():
            given = amounts[n] if n < len(amounts) and amounts[n].strip() else "1"
            chosen.append((code.strip()[:64], whole(given, f"{code.strip()[:64]}의 수량", 1)))
    if not chosen:
        raise Refused(422, "매칭할 SKU를 하나 이상 입력하거나 추천에서 고르세요.")
    released = await attempt(
        match.add_mapping(
            console.services, session.user, marketplace, listing_id, option_id, chosen
        ),
        partial(_failed, request, console, session),
    )
    shown = ", ".join(f"{s} × {q}" for s, q in chosen)
    notice = (
        f"상품코드 {listing_id}{'/' + option_id if option_id else ''}을(를) {shown}(으)로 "
        f"매칭했습니다. 주문 {len(released)}건이 다음 단계로 넘어갔고, 이 매칭은 기억되어 "
        "같은 상품의 다음 주문은 자동으로 매칭됩니다."
    )
    return said(request, PAGE, notice)


@router.post("/catalogue")
async def upload_catalogue(
    request: Request,
    console: ConsoleDep,
    session: ChangeDep,
    catalogue: Annotated[UploadFile, File()],
) -> Response:
    content = await upload_bytes(catalogue)
    imported = await attempt(
        match.import_catalogue(console.services, session.user, content),
        partial(_failed, request, console, session),
    )
    notice = f"상품(SKU) {imported}개를 등록했습니다. 매칭 추천에 곧 반영됩니다."
    return said(request, PAGE, notice)


async def _mappings_page(
    request: Request, console: ConsoleDep, session: SessionDep, status: int = 200, **said: Any
) -> Response:
    lq = ListQuery.of(request, default_preset="all")
    sections = Sections()
    after = request.query_params.get("after") or None
    sku = (request.query_params.get("sku") or "").strip()[:64] or None
    found = await sections.load(
        match.mappings(console.services, session.user, lq.size, after, sku, lq.q)
    )
    items, following = found or ([], None)
    return render(
        request,
        "match_mappings.html",
        "match",
        status,
        lq=lq,
        rows=_mapping_rows(items, lq),
        following=following,
        sku=sku or "",
        only_sets=dict(lq.params).get("multi") == "1",
        marketplaces=MARKETPLACES,
        banners=sections.banners,
        **said,
    )


@router.get("/mappings")
async def mappings_page(request: Request, console: ConsoleDep, session: SessionDep) -> Response:
    lq = ListQuery.of(request, default_preset="all")
    if lq.export:
        sku = (request.query_params.get("sku") or "").strip()[:64] or None

        async def fetch(limit: int, cursor: str | None) -> Any:
            return await match.mappings(console.services, session.user, limit, cursor, sku, lq.q)

        try:
            items = await _all(fetch)
        except (ServiceDown, ServiceProblem) as exc:
            status, message = failure(exc)
            return await _mappings_page(request, console, session, status, error=message)
        return xlsx("매칭내역", MAPPING_COLUMNS, _mapping_rows(items, lq))
    return await _mappings_page(request, console, session)


@router.post("/mappings/delete")
async def delete_mapping(
    request: Request,
    console: ConsoleDep,
    session: ChangeDep,
    marketplace: Annotated[str, Form()],
    listing_id: Code,
    option_id: Annotated[str, Form(max_length=64)] = "",
    reason: Annotated[str, Form(max_length=300)] = "",
) -> Response:
    if marketplace not in MARKETPLACES:
        raise Refused(422, "판매처를 확인하세요.")
    why = reason.strip() or "잘못된 매칭 삭제 (콘솔)"
    back = await attempt(
        match.delete_mapping(
            console.services, session.user, marketplace, listing_id, option_id, why
        ),
        partial(_mappings_failed, request, console, session),
        missing="그런 매칭이 없습니다. 목록을 새로고침하세요.",
    )
    notice = f"상품코드 {listing_id}의 매칭을 삭제했습니다. 주문 {len(back)}건이 매칭 대기로 돌아갔습니다."
    return said(request, f"{PAGE}/mappings", notice)


async def _mappings_failed(
    request: Request, console: ConsoleDep, session: SessionDep, exc: ServiceDown | ServiceProblem
) -> Response:
    status, message = failure(exc)
    return await _mappings_page(request, console, session, status, error=message)
