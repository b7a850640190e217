"""할당 미리보기, 할당 규칙 and 할당 이력: what a 할당처리 now would do to each waiting bundle,
in the seller's rule order and why (the allocator's dry run, which changes nothing); the rule
set itself (who gets scarce stock first; each change a new version); and for one bundle the
recorded waves that decided about it. Reasons are told here in the seller's words
from the allocator's numbers (its own sentence is for logs and other systems)."""

from functools import partial
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from packline_console.adapters.services import ServiceDown, ServiceProblem
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

router = APIRouter(prefix="/allocate")
PREVIEW_LIMIT = 500
TRIGGERS = {"MANUAL": "할당처리", "CONTINUOUS": "재고·묶음 도착", "SCHEDULED": "예약"}
KINDS = {
    "PAID_AT": "결제시간 (먼저 결제한 순)",
    "MARKETPLACE_PRIORITY": "판매처 우선순위",
    "LONGEST_WAITING": "가장 오래 기다린 묶음 먼저",
    "BUNDLE_SIZE": "합포 주문 수",
    "QUANTITY": "수량",
    "AMOUNT": "금액",
}
SIZED = ("BUNDLE_SIZE", "QUANTITY", "AMOUNT")  # these take 큰 것 먼저 / 작은 것 먼저
RULE_ROWS = 4
MODES = {
    "CONTINUOUS": "연속: 재고나 묶음이 들어올 때마다",
    "MANUAL": "수동: 할당처리를 누를 때만",
    "SCHEDULED": "예약: 정해진 간격마다",
}


def rule_text(criteria: list[dict[str, Any]]) -> str:
    """ "판매처 우선순위 (COUPANG > NAVER) → 금액 큰 것 먼저 → 결제시간" in the seller's words."""
    said = []
    for c in criteria:
        name = KINDS.get(c["kind"], c["kind"]).split(" (")[0]
        if c["kind"] in SIZED:
            name += " 큰 것 먼저" if c.get("descending") else " 작은 것 먼저"
        if c.get("ranking"):
            name += f" ({' > '.join(c['ranking'])})"
        if c.get("condition"):
            name += " (조건 있음)"
        said.append(name)
    return " → ".join(said) + " · 같으면 결제시간, 묶음 번호 순"


def reason(decision: dict[str, Any]) -> str:
    """ "BONE-SOUP 3개 부족 (필요 5, 가용 2) · 40개 중 12번째" from the decision's numbers."""
    place = f"{decision['of']}개 중 {decision['position']}번째"
    if decision["allocated"]:
        return f"할당 · {place}"
    short = []
    for n in decision.get("skus", []):
        if n.get("on_hand") is None:
            short.append(f"{n['sku']}: 재고 미등록")
        elif n.get("short"):
            short.append(
                f"{n['sku']} {n['short']}개 부족 (필요 {n['needed']}, 가용 {n['available']})"
            )
    return " · ".join([*short, place]) if short else f"대기 · {place}"


@router.get("/preview")
async def preview_page(request: Request, console: ConsoleDep, session: SessionDep) -> Response:
    return await _preview(request, console, session)


async def _preview(
    request: Request, console: Console, session: Session, status: int = 200, **shown: Any
) -> Response:
    user = session.user
    banners: list[str] = []
    seen = await page_kit.read(
        banners,
        console.services.get(
            user, "allocator", "/waves/preview", seller_id=user.seller_id, limit=PREVIEW_LIMIT
        ),
        {},
    )
    rows = [{**d, "said": reason(d)} for d in seen.get("bundles", [])] if seen else []
    rules = await page_kit.read(
        banners, console.services.get(user, "allocator", "/rules", seller_id=user.seller_id), {}
    )
    current = rules.get("current") if isinstance(rules, dict) else None
    mode = await page_kit.read(
        banners,
        console.services.get(user, "allocator", "/settings/waves", seller_id=user.seller_id),
        {},
    )
    split = await page_kit.read(
        banners,
        console.services.get(user, "allocator", "/settings/partial", seller_id=user.seller_id),
        {},
    )
    return render(
        request,
        "allocate_preview.html",
        "allocate",
        status,
        seen=seen or {},
        rows=rows,
        banners=banners,
        rules=current,
        rules_said=rule_text(current["criteria"]) if current else "",
        history=(rules or {}).get("history", [])[:10],
        kinds=KINDS,
        sized=SIZED,
        rule_rows=RULE_ROWS,
        mode=mode or {},
        split=split or {},
        modes=MODES,
        **shown,
    )


@router.post("/rules")
async def save_rules(
    request: Request,
    console: ConsoleDep,
    session: ChangeDep,
    kind: Annotated[list[str], Form(max_length=RULE_ROWS)],
    order: Annotated[list[str], Form(max_length=RULE_ROWS)],
    ranking: Annotated[str, Form(max_length=200)] = "",
    note: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    """할당 규칙 저장: the chosen criteria in order (empty rows skipped) as a new version."""
    criteria: list[dict[str, Any]] = []
    for chosen, direction in zip(kind, order, strict=False):
        if not chosen:
            continue
        criterion: dict[str, Any] = {"kind": chosen, "descending": direction == "desc"}
        if chosen not in SIZED:
            criterion["descending"] = False
        if chosen == "MARKETPLACE_PRIORITY":
            criterion["ranking"] = [m.strip().upper() for m in ranking.split(",") if m.strip()]
        criteria.append(criterion)
    if not criteria:
        return await _preview(request, console, session, 422, error="기준을 하나 이상 고르세요.")
    user = session.user
    saved = await page_kit.attempt(
        console.services.call(
            user,
            "allocator",
            "PUT",
            "/rules",
            json={"seller_id": user.seller_id, "criteria": criteria, "note": note},
        ),
        partial(_refused, request, console, session),
    )
    return said(request, "/allocate/preview", f"할당 규칙 v{saved.get('version')}을 저장했습니다.")


async def _refused(
    request: Request,
    console: Console,
    session: Session,
    exc: ServiceDown | ServiceProblem,
) -> Response:
    status, message = page_kit.failure(exc)
    return await _preview(request, console, session, status, error=message)


@router.get("/why/{bundle_id}")
async def why_page(
    request: Request, bundle_id: str, console: ConsoleDep, session: SessionDep
) -> Response:
    user = session.user
    try:
        found = await console.services.get(
            user, "allocator", f"/bundles/{bundle_id}/why", seller_id=user.seller_id
        )
    except (ServiceDown, ServiceProblem) as exc:
        status, message = page_kit.failure(exc)
        return render(request, "allocate_why.html", "allocate", status, error=message, rows=[])
    rows = [
        {**d, "said": reason(d), "trigger_said": TRIGGERS.get(d["trigger"], d["trigger"])}
        for d in found.get("decisions", [])
    ]
    return render(request, "allocate_why.html", "allocate", bundle_id=bundle_id, rows=rows)


@router.post("/waves-mode")
async def save_mode(
    request: Request,
    console: ConsoleDep,
    session: ChangeDep,
    mode: Annotated[str, Form(max_length=20)],
    every_minutes: Annotated[str, Form(max_length=5)] = "",
) -> Response:
    """할당 방식: 연속, 수동 or 예약 (every N minutes)."""
    minutes = every_minutes.strip()
    if mode == "SCHEDULED" and not (minutes.isdigit() and 1 <= int(minutes) <= 1440):
        error = "예약 간격은 1분에서 1440분(하루) 사이의 숫자로 적어 주세요."
        return await _preview(request, console, session, 422, error=error)
    user = session.user
    body = {
        "seller_id": user.seller_id,
        "mode": mode,
        "every_minutes": int(minutes) if mode == "SCHEDULED" else None,
    }
    await page_kit.attempt(
        console.services.call(user, "allocator", "PUT", "/settings/waves", json=body),
        partial(_refused, request, console, session),
    )
    return said(request, "/allocate/preview", f"할당 방식을 바꿨습니다: {MODES.get(mode, mode)}")


@router.post("/partial")
async def save_partial(
    request: Request,
    console: ConsoleDep,
    session: ChangeDep,
    allowed: Annotated[str, Form(max_length=5)] = "",
) -> Response:
    """미할당주문나누기: a short bundle ships the orders that fit; the rest wait as a backorder."""
    user = session.user
    body = {"seller_id": user.seller_id, "allowed": allowed == "on"}
    await page_kit.attempt(
        console.services.call(user, "allocator", "PUT", "/settings/partial", json=body),
        partial(_refused, request, console, session),
    )
    said_now = "켰습니다" if allowed == "on" else "껐습니다"
    return said(request, "/allocate/preview", f"미할당주문나누기를 {said_now}.")
