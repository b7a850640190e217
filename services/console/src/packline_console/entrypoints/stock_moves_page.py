"""재고 입출고 on 할당: stock changes with a reason (입고, 조정, 반품 재입고, 실사) from one SKU
or pasted `SKU,수량` lines, 재고 업로드 from an .xlsx/.csv file (with its template), and 재고
이력, the allocator's audit rows of every change, filtered by SKU, reason and period, paged and
downloadable. The allocator decides; its refusals (per SKU, per row and column of a file) are
shown as it words them."""

from functools import partial
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import Response

from packline_console.adapters.services import ServiceDown, ServiceProblem
from packline_console.domain.accounts import Session
from packline_console.entrypoints import page_kit
from packline_console.entrypoints.listing import ListQuery, xlsx
from packline_console.entrypoints.stock_words import (
    HISTORY_REASONS,
    REASONS,
    moved_notice,
    sku_problems,
)
from packline_console.entrypoints.web import (
    ChangeDep,
    Console,
    ConsoleDep,
    SessionDep,
    render,
    said,
)

PAGE = "/allocate/moves"
router = APIRouter(prefix="/allocate")
MAX_FILE_BYTES = 16 << 20  # what the allocator takes
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HISTORY_COLUMNS = (
    ("moved_at", "일시"),
    ("sku", "SKU"),
    ("reason", "사유"),
    ("delta", "변동"),
    ("on_hand_after", "변경 후 현재고"),
    ("safety_after", "변경 후 안전재고"),
    ("note", "메모"),
    ("by", "작업자"),
)


def _filters(request: Request) -> dict[str, str | None]:
    """The history's own filters: one SKU (exact) and one reason."""
    query = request.query_params
    sku = (query.get("sku") or "").strip()[:64] or None
    reason = query.get("reason") or None
    return {"sku": sku, "reason": reason if reason in HISTORY_REASONS else None}


def _fetch(
    console: Console, session: Session, lq: ListQuery, chosen: dict[str, str | None]
) -> page_kit.Fetch:
    async def fetch(limit: int, offset: int) -> list[dict[str, Any]]:
        answer = await console.services.get(
            session.user,
            "allocator",
            "/stock/movements",
            seller_id=session.user.seller_id,
            limit=limit,
            offset=offset,
            **lq.filters(),
            **chosen,
        )
        return [{**row, "moved_at": row.get("at")} for row in page_kit.items(answer)]

    return fetch


async def _page(
    request: Request, console: Console, session: Session, status: int = 200, **shown: Any
) -> Response:
    lq = ListQuery.of(request, default_preset="30d")
    chosen = _filters(request)
    banners: list[str] = []
    rows, has_next = await page_kit.read(
        banners, page_kit.listed(_fetch(console, session, lq, chosen), lq), ([], False)
    )
    return render(
        request,
        "allocate_moves.html",
        "allocate",
        status,
        lq=lq,
        chosen=chosen,
        rows=rows,
        has_next=has_next,
        reasons=REASONS,
        history_reasons=HISTORY_REASONS,
        banners=banners,
        **shown,
    )


@router.get("/moves")
async def moves_page(request: Request, console: ConsoleDep, session: SessionDep) -> Response:
    lq = ListQuery.of(request, default_preset="30d")
    if not lq.export:
        return await _page(request, console, session)
    rows = await page_kit.attempt(
        page_kit.every(_fetch(console, session, lq, _filters(request))),
        partial(_failed, request, console, session),
    )
    shown = [page_kit.for_excel(row, {"reason": HISTORY_REASONS}) for row in rows]
    return xlsx("재고 이력", HISTORY_COLUMNS, shown, sheet="재고 이력")


def _lines(sku: str, quantity: str, lines: str) -> tuple[list[tuple[str, int]], list[str]]:
    """One SKU and its quantity, or pasted `SKU,수량` lines (signed: 조정 -3), not both."""
    if sku.strip() and lines.strip():
        return [], ["SKU 한 개 칸과 여러 줄 칸 중 하나만 채워 주세요."]
    if sku.strip():
        return page_kit.quantity_lines(f"{sku.strip()},{quantity.strip()}", "SKU", signed=True)
    pairs, errors = page_kit.quantity_lines(lines, "SKU", signed=True)
    if len({code for code, _ in pairs}) != len(pairs):
        errors.append("같은 SKU가 두 번 있습니다. 한 SKU는 한 줄에만 적어 주세요.")
    return pairs, errors


@router.post("/moves")
async def move_stock(
    request: Request,
    console: ConsoleDep,
    session: ChangeDep,
    reason: Annotated[str, Form(max_length=20)],
    sku: Annotated[str, Form(max_length=64)] = "",
    quantity: Annotated[str, Form(max_length=20)] = "",
    lines: Annotated[str, Form(max_length=500_000)] = "",
    note: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    """입고 / 조정 / 반품 재입고 (a signed change of on hand) or 실사 (the counted level), all
    SKUs together or none."""
    kept = {"sku": sku, "quantity": quantity, "lines": lines[:20_000], "note": note}
    kept["reason_chosen"] = reason
    if reason not in REASONS:
        return await _page(request, console, session, 422, error="사유를 고르세요.", **kept)
    pairs, errors = _lines(sku, quantity, lines)
    if errors:
        return await _page(request, console, session, 422, errors=errors, **kept)
    user = session.user
    body = {
        "seller_id": user.seller_id,
        "reason": reason,
        "note": note,
        "items": [{"sku": code, "quantity": n} for code, n in pairs],
    }
    answer = await page_kit.attempt(
        console.services.call(user, "allocator", "POST", "/stock/movements", json=body),
        partial(_failed, request, console, session, **kept),
    )
    return said(request, PAGE, moved_notice(answer))


@router.post("/upload")
async def upload_stock(
    request: Request,
    console: ConsoleDep,
    session: ChangeDep,
    stock_file: Annotated[UploadFile, File()],
    reason: Annotated[str, Form(max_length=20)] = "RECEIPT",
) -> Response:
    """재고 업로드: the file goes to the allocator as it is; a broken row refuses it whole."""
    if reason not in REASONS:
        return await _page(request, console, session, 422, error="사유를 고르세요.")
    content = await page_kit.upload_bytes(stock_file, MAX_FILE_BYTES)
    filename = stock_file.filename or "파일"
    is_xlsx = filename.lower().endswith(".xlsx") or content[:2] == b"PK"
    user = session.user
    call = console.services.call(
        user,
        "allocator",
        "POST",
        "/stock/upload",
        params={"seller_id": user.seller_id, "reason": reason},
        content=content,
        headers={"content-type": XLSX_TYPE if is_xlsx else "text/csv"},
    )
    failed = partial(_failed, request, console, session, filename=filename, upload_reason=reason)
    answer = await page_kit.attempt(call, failed)
    return said(request, PAGE, moved_notice(answer, filename))


@router.get("/upload/template")
async def upload_template(request: Request, console: ConsoleDep, session: SessionDep) -> Response:
    """The allocator's 재고 업로드 template (.xlsx)."""
    answer = await page_kit.attempt(
        console.services.raw(session.user, "allocator", "GET", "/stock/upload/template"),
        partial(_failed, request, console, session),
    )
    return Response(
        answer.content,
        media_type=XLSX_TYPE,
        headers={"content-disposition": 'attachment; filename="packline-stock.xlsx"'},
    )


async def _failed(
    request: Request,
    console: Console,
    session: Session,
    exc: ServiceDown | ServiceProblem,
    /,
    **shown: Any,
) -> Response:
    """The forms again with the allocator's refusal: per SKU, or per row and column."""
    status, message = page_kit.failure(exc)
    problems = page_kit.row_errors(exc) if isinstance(exc, ServiceProblem) else []
    errors = sku_problems(exc)
    return await _page(
        request, console, session, status, error=message, errors=errors, problems=problems, **shown
    )
