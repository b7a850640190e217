"""합포: 확인필요 pairs as two cards side by side (differing fields marked), 합포 or 미합포,
합포처리 (seal now), the sealing rule and 합포금지 (owner only), and splitting orders off a
merged bundle (합포 해제)."""

import uuid
from functools import partial
from typing import Annotated, Any

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import Response

from packline_console.adapters.services import ServiceDown, ServiceProblem
from packline_console.entrypoints.listing import ListQuery, xlsx
from packline_console.entrypoints.page_kit import Sections, attempt, failure, field_errors, whole
from packline_console.entrypoints.web import (
    ChangeDep,
    ConsoleDep,
    OwnerChangeDep,
    Refused,
    SessionDep,
    render,
    said,
)
from packline_console.service_layer import bundle

PAGE = "/bundle"
router = APIRouter(prefix=PAGE)
ReviewId = Annotated[int, Path(ge=1, le=2**63 - 1)]
Reason = Annotated[str, Form(max_length=300)]
REVIEW_COLUMNS = (
    ("review_id", "번호"),
    ("status_name", "상태"),
    ("a_order", "주문 A"),
    ("b_order", "주문 B"),
    ("differs", "다른 항목"),
    ("created_at", "생성 시각"),
)


def _status(request: Request) -> str:
    chosen = request.query_params.get("status", "PENDING")
    return chosen if chosen in bundle.REVIEW_STATUS else "PENDING"


async def _page(
    request: Request, console: ConsoleDep, session: SessionDep, status: int = 200, **said: Any
) -> Response:
    lq = ListQuery.of(request, default_preset="all")
    tab, after = _status(request), request.query_params.get("after") or None
    services, user = console.services, session.user
    sections = Sections()
    boxes: tuple[list[dict[str, Any]], bool] | None = None
    found: tuple[list[dict[str, Any]], str | None] | None = None
    if request.query_params.get("view") == "bundles":
        boxes = await sections.load(bundle.bundles(services, user, lq.size, lq.offset, lq.q))
        boxes = boxes or ([], False)
    else:
        found = await sections.load(bundle.reviews(services, user, tab, lq.size, after, lq.q))
    rules = await sections.load(bundle.settings(services, user)) if user.seller_id else None
    items, following = found or ([], None)
    return render(
        request,
        "bundle.html",
        "bundle",
        status,
        lq=lq,
        tab=tab,
        reviews=items,
        boxes=boxes,
        bundle_status=bundle.BUNDLE_STATUS,
        following=following,
        rules=rules,
        statuses=bundle.REVIEW_STATUS,
        field_names=bundle.FIELD_NAMES,
        side_fields=bundle.SIDE_FIELDS,
        modes=bundle.MODES,
        kinds=bundle.EXCLUSION_KINDS,
        banners=sections.banners,
        **said,
    )


async def _failed(
    request: Request, console: ConsoleDep, session: SessionDep, exc: ServiceDown | ServiceProblem
) -> Response:
    status, message = failure(exc)
    fields = field_errors(exc) if isinstance(exc, ServiceProblem) else []
    return await _page(request, console, session, status, error=" ".join([message, *fields]))


@router.get("")
async def bundle_page(request: Request, console: ConsoleDep, session: SessionDep) -> Response:
    lq = ListQuery.of(request, default_preset="all")
    if lq.export:
        try:
            items, _ = await bundle.reviews(
                console.services, session.user, _status(request), 200, None, lq.q
            )
        except (ServiceDown, ServiceProblem) as exc:
            return await _failed(request, console, session, exc)
        rows = [
            {
                **r,
                "status_name": bundle.REVIEW_STATUS.get(r["status"], r["status"]),
                "a_order": (r["a"] or {}).get("order", ""),
                "b_order": (r["b"] or {}).get("order", ""),
                "differs": ", ".join(
                    bundle.FIELD_NAMES.get(k, k)
                    for k, f in r["fields"].items()
                    if f["differs"] == "yes"
                ),
            }
            for r in items
        ]
        return xlsx("합포-확인필요", REVIEW_COLUMNS, rows)
    return await _page(request, console, session)


async def _decide(
    request: Request,
    console: ConsoleDep,
    session: SessionDep,
    review_id: int,
    merge: bool,
    why: str,
) -> Response:
    reason = why.strip() or ("확인 후 합포" if merge else "확인 후 따로 배송")
    await attempt(
        bundle.decide(console.services, session.user, review_id, merge, reason),
        partial(_failed, request, console, session),
        missing="그런 확인 요청이 없습니다. 목록을 새로고침하세요.",
    )
    done = "합포했습니다 (한 박스)" if merge else "따로 배송하도록 남겼습니다 (미합포)"
    return said(request, PAGE, f"확인 {review_id}번: {done}.")


@router.post("/reviews/{review_id}/merge")
async def merge(
    request: Request,
    console: ConsoleDep,
    session: ChangeDep,
    review_id: ReviewId,
    reason: Reason = "",
) -> Response:
    return await _decide(request, console, session, review_id, True, reason)


@router.post("/reviews/{review_id}/keep-apart")
async def keep_apart(
    request: Request,
    console: ConsoleDep,
    session: ChangeDep,
    review_id: ReviewId,
    reason: Reason = "",
) -> Response:
    return await _decide(request, console, session, review_id, False, reason)


@router.post("/seal")
async def seal_now(request: Request, console: ConsoleDep, session: ChangeDep) -> Response:
    sealed = await attempt(
        bundle.seal_now(console.services, session.user), partial(_failed, request, console, session)
    )
    notice = (
        f"합포처리: 묶음 {sealed}개를 확정했습니다. 확인필요로 남은 주문은 결정 후에 확정됩니다."
    )
    return said(request, PAGE, notice)


@router.post("/settings")
async def set_sealing(
    request: Request,
    console: ConsoleDep,
    session: OwnerChangeDep,
    mode: Annotated[str, Form()],
    hold_minutes: Annotated[str, Form(max_length=10)] = "",
    cutoffs: Annotated[str, Form(max_length=200)] = "",
    reason: Reason = "",
) -> Response:
    if mode not in bundle.MODES:
        raise Refused(422, "합포 방식을 목록에서 고르세요.")
    hold = whole(hold_minutes, "대기 시간(분)", 0) * 60 if hold_minutes.strip() else None
    moved = await attempt(
        bundle.set_sealing(
            console.services, session.user, mode, hold, cutoffs.strip(), reason.strip()
        ),
        partial(_failed, request, console, session),
    )
    notice = f"합포 기준을 저장했습니다: {bundle.MODES[mode]}. 열린 묶음 {moved}개의 확정 시각을 다시 정했습니다."
    return said(request, PAGE, notice)


@router.post("/exclusions")
async def exclude(
    request: Request,
    console: ConsoleDep,
    session: OwnerChangeDep,
    kind: Annotated[str, Form()],
    value: Annotated[str, Form(min_length=1, max_length=64)],
    reason: Reason = "",
) -> Response:
    if kind not in bundle.EXCLUSION_KINDS:
        raise Refused(422, "합포금지 종류는 상품(SKU) 또는 판매처입니다.")
    await attempt(
        bundle.exclude(console.services, session.user, kind, value.strip(), reason.strip()),
        partial(_failed, request, console, session),
    )
    notice = f"합포금지에 추가했습니다: {bundle.EXCLUSION_KINDS[kind]} {value.strip()}."
    return said(request, PAGE, notice)


@router.post("/exclusions/remove")
async def include(
    request: Request,
    console: ConsoleDep,
    session: OwnerChangeDep,
    kind: Annotated[str, Form()],
    value: Annotated[str, Form(min_length=1, max_length=64)],
) -> Response:
    if kind not in bundle.EXCLUSION_KINDS:
        raise Refused(422, "합포금지 종류는 상품(SKU) 또는 판매처입니다.")
    await attempt(
        bundle.include(console.services, session.user, kind, value),
        partial(_failed, request, console, session),
        missing="그런 합포금지 항목이 없습니다.",
    )
    return said(request, PAGE, f"합포금지에서 뺐습니다: {bundle.EXCLUSION_KINDS[kind]} {value}.")


@router.post("/unmerge")
async def unmerge(
    request: Request,
    console: ConsoleDep,
    session: ChangeDep,
    bundle_id: Annotated[str, Form(max_length=64)],
    orders: Annotated[str, Form(min_length=1, max_length=2000)],
    reason: Reason = "",
) -> Response:
    try:
        box = uuid.UUID(bundle_id.strip())
    except ValueError:
        raise Refused(422, "묶음 번호를 확인하세요.") from None
    chosen = [o.strip() for o in orders.split(",") if o.strip()]
    if not chosen:
        raise Refused(422, "떼어낼 주문을 하나 이상 적으세요.")
    why = reason.strip() or "합포 해제 (콘솔)"
    new_id = await attempt(
        bundle.unmerge(console.services, session.user, str(box), chosen, why),
        partial(_failed, request, console, session),
        missing="그런 묶음이나 주문이 없습니다. 번호를 확인하세요.",
    )
    notice = f"주문 {len(chosen)}건을 묶음에서 떼어 새 묶음 {new_id}(으)로 나눴습니다."
    return said(request, PAGE, notice)
