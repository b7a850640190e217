"""할당: stock levels (재고, with 안전재고) with search and the Excel download, setting stock from
pasted lines or a file, the 할당처리 button, the allocator's counts, and the bundles waiting for stock with
why each waits (which SKU is short and by how much, a SKU never stocked, or the next wave)."""

from functools import partial
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import Response

from packline_console.adapters.services import ServiceDown, ServiceProblem
from packline_console.domain.accounts import Session
from packline_console.entrypoints import page_kit
from packline_console.entrypoints.listing import ListQuery, xlsx
from packline_console.entrypoints.web import (
    ChangeDep,
    Console,
    ConsoleDep,
    SessionDep,
    render,
    said,
)

PAGE = "/allocate"
router = APIRouter(prefix=PAGE)
MAX_FILE_BYTES = 5 << 20
STOCK_COLUMNS = (
    ("sku", "SKU"),
    ("on_hand", "현재고"),
    ("allocated", "할당됨"),
    ("safety", "안전재고"),
    ("available", "가용재고"),
    ("updated_at", "변경일시"),
)
WAITING_COLUMNS = (
    ("orders_shown", "주문"),
    ("paid_at", "결제일시"),
    ("waiting_since", "대기 시작"),
    ("why", "대기 이유"),
)
VIEWS = {"stock": "재고 현황", "waiting": "재고 대기 묶음"}
# the allocator's /stats keys, as the page names them
COUNTS = (
    ("waiting", "재고 대기 묶음"),
    ("waiting_orders", "재고 대기 주문"),
    ("allocated", "할당된 묶음"),
    ("shipped", "출고된 묶음"),
)


def _fetch(console: Console, session: Session, lq: ListQuery, view: str) -> page_kit.Fetch:
    async def fetch(limit: int, offset: int) -> list[dict[str, Any]]:
        path, params = "/stock", {"q": lq.q or None}
        if view == "waiting":
            path, params = "/bundles", lq.filters() | {"status": "WAITING"}
        answer = await console.services.get(
            session.user,
            "allocator",
            path,
            seller_id=session.user.seller_id,
            limit=limit,
            offset=offset,
            **params,
        )
        rows = page_kit.items(answer)
        return [_waiting(row) for row in rows] if view == "waiting" else rows

    return fetch


def _view(request: Request) -> str:
    chosen = request.query_params.get("view", "stock")
    return chosen if chosen in VIEWS else "stock"


def _waiting(row: dict[str, Any]) -> dict[str, Any]:
    """A waiting bundle as the page and the Excel show it: its live orders and why it waits."""
    live = [o for o in row.get("orders", []) if o.get("status") == "LIVE"]
    shown = ", ".join(f"{o['marketplace']} {o['marketplace_order_id']}" for o in live)
    return {**row, "orders_shown": shown, "why": why(row)}


def why(row: dict[str, Any]) -> str:
    """Why a bundle waits, in the seller's words, with the numbers."""
    needs = row.get("needs", [])
    unknown = [n["sku"] for n in needs if not n.get("known")]
    short = [n for n in needs if n.get("known") and n.get("short")]
    said = [f"{sku}: 재고 미등록" for sku in unknown]
    said += [
        f"{n['sku']}: {n['short']}개 부족 (필요 {n['needed']}, 가용 {n['available']})"
        for n in short
    ]
    if said:
        return " · ".join(said)
    return "재고 충분: 다음 할당처리에서 할당됩니다 (먼저 결제된 묶음이 우선)"


async def show(
    request: Request, console: Console, session: Session, status: int = 200, **said: Any
) -> Response:
    lq = ListQuery.of(request, default_preset="all")
    view = _view(request)
    banners: list[str] = []
    rows, has_next = await page_kit.read(
        banners, page_kit.listed(_fetch(console, session, lq, view), lq), ([], False)
    )
    stats = await page_kit.read(
        banners, console.services.get(session.user, "allocator", "/stats"), {}
    )
    counts = [(name, stats.get(key, 0)) for key, name in COUNTS if isinstance(stats, dict)]
    return render(
        request,
        "allocate.html",
        "allocate",
        status,
        lq=lq,
        view=view,
        views=VIEWS,
        rows=rows,
        has_next=has_next,
        counts=counts,
        banners=banners,
        **said,
    )


@router.get("")
async def allocate_page(request: Request, console: ConsoleDep, session: SessionDep) -> Response:
    lq = ListQuery.of(request, default_preset="all")
    if not lq.export:
        return await show(request, console, session)
    view = _view(request)
    rows = await page_kit.attempt(
        page_kit.every(_fetch(console, session, lq, view)),
        partial(_failed, request, console, session),
    )
    shown = [page_kit.for_excel(row, {}) for row in rows]
    columns = WAITING_COLUMNS if view == "waiting" else STOCK_COLUMNS
    return xlsx(VIEWS[view], columns, shown, sheet=VIEWS[view])


@router.post("/stock")
async def set_stock(
    request: Request,
    console: ConsoleDep,
    session: ChangeDep,
    lines: Annotated[str, Form(max_length=500_000)] = "",
    stock_file: Annotated[UploadFile | None, File()] = None,
) -> Response:
    """재고 등록: one `SKU,수량` a line (pasted or a .csv/.txt file); the quantity is what is on
    hand now. All lines are set together, or none."""
    text = lines
    if stock_file is not None and stock_file.filename:
        content = await stock_file.read(MAX_FILE_BYTES + 1)
        if len(content) > MAX_FILE_BYTES:
            return await show(request, console, session, 413, error="파일이 너무 큽니다(5MB까지).")
        text = page_kit.decoded(content)
    pairs, errors = page_kit.quantity_lines(text, "SKU")
    seen = {sku for sku, _ in pairs}
    if len(seen) != len(pairs):
        errors.append("같은 SKU가 두 번 있습니다. 한 SKU는 한 줄에만 적어 주세요.")
    if errors:
        return await show(request, console, session, 422, errors=errors, lines=text[:20_000])
    user = session.user
    call = console.services.call(
        user,
        "allocator",
        "PUT",
        "/stock",
        json={
            "seller_id": user.seller_id,
            "items": [{"sku": sku, "on_hand": n} for sku, n in pairs],
        },
    )
    answer = await page_kit.attempt(
        call, partial(_failed, request, console, session, lines=text[:20_000])
    )
    notice = (
        f"재고 {answer.get('updated', len(pairs))}건을 저장했습니다. "
        f"재고가 생겨 할당된 묶음: {answer.get('bundles_allocated', 0)}건"
    )
    return said(request, PAGE, notice)


@router.post("/wave")
async def run_wave(request: Request, console: ConsoleDep, session: ChangeDep) -> Response:
    """할당처리: allocate the waiting bundles that stock now covers."""
    user = session.user
    answer = await page_kit.attempt(
        console.services.call(
            user, "allocator", "POST", "/allocation/waves", json={"seller_id": user.seller_id}
        ),
        partial(_failed, request, console, session),
    )
    allocated = answer.get("bundles_allocated", 0) if isinstance(answer, dict) else 0
    return said(request, PAGE, f"할당처리: 묶음 {allocated}건을 할당했습니다.")


async def _failed(
    request: Request,
    console: Console,
    session: Session,
    exc: ServiceDown | ServiceProblem,
    **said: Any,
) -> Response:
    status, message = page_kit.failure(exc)
    return await show(request, console, session, status, error=message, **said)
