"""CS: 취소 (a whole order, or some units of its lines, through the collector; an over-cancel is
the collector's 409 in Korean), the orders needing a person (확인 필요: open ones with a 확인 완료
form and an optional note, and those handled with who, when and the note), and the dead letters
of every service with their error and a 재처리 (redrive) button."""

from functools import partial
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import Response

from packline_console.adapters.services import SERVICE_NAMES, ServiceDown, ServiceProblem
from packline_console.domain.accounts import Session
from packline_console.entrypoints import page_kit
from packline_console.entrypoints.web import (
    ChangeDep,
    Console,
    ConsoleDep,
    SessionDep,
    render,
    said,
)
from packline_contracts import Marketplace

PAGE = "/cs"
router = APIRouter(prefix=PAGE)
VIEWS = {"cancel": "취소 처리", "attention": "확인 필요 주문", "dead": "처리 실패(데드레터)"}
MARKETPLACES = {
    "COUPANG": "쿠팡",
    "NAVER": "네이버 스마트스토어",
    "ELEVENST": "11번가",
    "GMARKET": "G마켓",
    "AUCTION": "옥션",
    "OWN_SHOP": "자사몰",
}
ATTENTION_KINDS = {
    "RECIPIENT_CHANGED": "수취인 정보 변경",
    "PARTIAL_CANCEL": "부분 취소",
    "RETURN_REQUESTED": "반품 요청",
    "CANCELLED_AFTER_SHIPPING": "출고 후 취소(반품)",
}
# the attention view's tabs: the collector's `state` of /orders-attention
ATTENTION_STATES = {"OPEN": "처리 대기", "RESOLVED": "처리 완료"}
ALREADY_RESOLVED = "이미 확인 완료된 항목입니다. 처리 완료 탭에서 처리자와 메모를 볼 수 있습니다."
ServiceName = Literal["collector", "matcher", "bundler", "allocator", "waybill", "shipper"]
OrderId = Annotated[str, Form(min_length=1, max_length=100)]
Reason = Annotated[str, Form(max_length=300)]
RowId = Annotated[int, Path(ge=1, le=2**63 - 1)]


async def _letters(console: Console, session: Session, banners: list[str]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for service in SERVICE_NAMES:
        answer = await page_kit.read(
            banners,
            console.services.get(session.user, service, "/dead-letters", status="OPEN", limit=100),
            {},
        )
        letters = answer.get("items", []) if isinstance(answer, dict) else []
        found += [{**letter, "service": service} for letter in letters if isinstance(letter, dict)]
    return sorted(found, key=lambda letter: str(letter.get("failed_at")), reverse=True)


async def _page(
    request: Request,
    console: Console,
    session: Session,
    view: str,
    status: int = 200,
    state: str = "OPEN",
    **said: Any,
) -> Response:
    banners: list[str] = []
    attention: list[dict[str, Any]] = []
    letters: list[dict[str, Any]] = []
    if view == "attention":
        answer = await page_kit.read(
            banners,
            console.services.get(
                session.user,
                "collector",
                "/orders-attention",
                seller_id=session.user.seller_id,
                state=state,
            ),
            {},
        )
        attention = page_kit.items(answer)
    elif view == "dead":
        letters = await _letters(console, session, banners)
    return render(
        request,
        "cs.html",
        "cs",
        status,
        view=view,
        views=VIEWS,
        marketplaces=MARKETPLACES,
        kinds=ATTENTION_KINDS,
        state=state,
        states=ATTENTION_STATES,
        service_names=SERVICE_NAMES,
        attention=attention,
        letters=letters,
        banners=banners,
        **said,
    )


@router.get("")
async def cs_page(request: Request, console: ConsoleDep, session: SessionDep) -> Response:
    view = request.query_params.get("view", "cancel")
    state = request.query_params.get("state", "OPEN")
    return await _page(
        request,
        console,
        session,
        view if view in VIEWS else "cancel",
        state=state if state in ATTENTION_STATES else "OPEN",
    )


async def _to_collector(
    console: Console,
    session: Session,
    path: str,
    body: dict[str, Any],
    failed: page_kit.Failed,
    **options: Any,
) -> Any:
    """A CS change the collector makes for the signed-in person's seller (`options`: as for
    `page_kit.attempt`, e.g. the 404 message)."""
    call = console.services.call(
        session.user,
        "collector",
        "POST",
        path,
        params={"seller_id": session.user.seller_id},
        json=body,
    )
    return await page_kit.attempt(call, failed, **options)


def _order_path(marketplace: Marketplace, order_id: str, action: str) -> str:
    return f"/orders/{marketplace.value}/{order_id.strip()}/{action}"


@router.post("/cancel")
async def cancel_order(
    request: Request,
    console: ConsoleDep,
    session: ChangeDep,
    marketplace: Annotated[Marketplace, Form()],
    order_id: OrderId,
    reason: Reason = "",
) -> Response:
    """주문 취소: the collector records the request; the shipping line decides if it is in time."""
    answer = await _to_collector(
        console,
        session,
        _order_path(marketplace, order_id, "cancel"),
        {"reason": reason},
        partial(_failed, request, console, session, "cancel"),
    )
    done = "취소되었습니다" if answer.get("status") == "CANCELLED" else "취소를 요청했습니다"
    notice = f"{order_id} 주문: {done}. 출고 라인이 송장 스캔 전인지 확인해 결정합니다."
    return said(request, PAGE, notice)


@router.post("/cancel-lines")
async def cancel_lines(
    request: Request,
    console: ConsoleDep,
    session: ChangeDep,
    marketplace: Annotated[Marketplace, Form()],
    order_id: OrderId,
    lines: Annotated[str, Form(max_length=50_000)],
    reason: Reason = "",
) -> Response:
    """부분취소: units of some lines (`라인번호,취소수량` a line); the rest of the order goes on."""
    pairs, errors = page_kit.quantity_lines(lines, "라인번호")
    errors += [f"{line}: 취소 수량은 1 이상이어야 합니다." for line, n in pairs if n < 1]
    if errors:
        return await _page(request, console, session, "cancel", 422, errors=errors)
    answer = await _to_collector(
        console,
        session,
        _order_path(marketplace, order_id, "cancel-lines"),
        {
            "lines": [{"line_id": line, "quantity": n} for line, n in pairs],
            "reason": reason,
        },
        partial(_failed, request, console, session, "cancel"),
    )
    left = answer.get("left", {}) if isinstance(answer, dict) else {}
    rest = ", ".join(f"{line} {n}개" for line, n in left.items()) or "없음"
    notice = f"{order_id} 주문 부분취소를 접수했습니다. 남은 출고 수량: {rest}"
    return said(request, PAGE, notice)


@router.post("/attention/{attention_id}/resolve")
async def resolve_attention(
    request: Request,
    console: ConsoleDep,
    session: ChangeDep,
    attention_id: RowId,
    note: Reason = "",
) -> Response:
    """확인 완료: the collector marks the item handled by this person, with the note if any."""
    answer = await _to_collector(
        console,
        session,
        f"/orders-attention/{attention_id}/resolve",
        {"note": note.strip() or None},
        partial(_resolve_failed, request, console, session),
        missing="확인할 항목이 없습니다. 목록을 새로고침하세요.",
    )
    order = answer.get("order") if isinstance(answer, dict) else None
    shown = str(order or f"#{attention_id}")
    notice = f"{shown}: 확인 완료로 표시했습니다. 처리 완료 탭에서 볼 수 있습니다."
    return said(request, f"{PAGE}?view=attention", notice)


@router.post("/dead-letters/{service}/{letter_id}/redrive")
async def redrive(
    request: Request,
    console: ConsoleDep,
    session: ChangeDep,
    service: ServiceName,
    letter_id: RowId,
) -> Response:
    """재처리: the service runs the letter's event through its handler again."""
    answer = await page_kit.attempt(
        console.services.call(
            session.user,
            service,
            "POST",
            f"/dead-letters/{letter_id}/redrive",
            json={"by": session.user.email[:100], "reason": "console"},
        ),
        partial(_failed, request, console, session, "dead"),
    )
    outcomes = {
        "REDRIVEN": "재처리했습니다",
        "STILL_FAILING": "다시 실패했습니다(오류를 확인하세요)",
        "ALREADY_PROCESSED": "이미 처리된 건입니다",
        "NOT_OPEN": "열린 건이 아닙니다",
        "NOT_REDRIVABLE": "재처리할 수 없는 건입니다",
        "NOT_FOUND": "없는 건입니다",
    }
    outcome = str(answer.get("outcome", "")) if isinstance(answer, dict) else ""
    shown = outcomes.get(outcome, outcome or "처리했습니다")
    notice = f"{SERVICE_NAMES[service]} #{letter_id}: {shown}."
    return said(request, f"{PAGE}?view=dead", notice)


async def _resolve_failed(
    request: Request, console: Console, session: Session, exc: ServiceDown | ServiceProblem
) -> Response:
    """A second 확인 완료 (someone else was first, or a resend) says so in Korean."""
    if isinstance(exc, ServiceProblem) and exc.status == 409:
        return await _page(request, console, session, "attention", 409, error=ALREADY_RESOLVED)
    return await _failed(request, console, session, "attention", exc)


async def _failed(
    request: Request,
    console: Console,
    session: Session,
    view: str,
    exc: ServiceDown | ServiceProblem,
) -> Response:
    status, message = page_kit.failure(exc)
    return await _page(request, console, session, view, status, error=message)
