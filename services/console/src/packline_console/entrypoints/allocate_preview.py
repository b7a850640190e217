"""할당 미리보기 and 할당 이력: what a 할당처리 now would do to each waiting bundle, in the
seller's rule order and why (the allocator's dry run, which changes nothing), and for one
bundle the recorded waves that decided about it. Reasons are told here in the seller's words
from the allocator's numbers (its own sentence is for logs and other systems)."""

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from packline_console.adapters.services import ServiceDown, ServiceProblem
from packline_console.entrypoints import page_kit
from packline_console.entrypoints.web import ConsoleDep, SessionDep, render

router = APIRouter(prefix="/allocate")
PREVIEW_LIMIT = 500
TRIGGERS = {"MANUAL": "할당처리", "CONTINUOUS": "재고·묶음 도착", "SCHEDULED": "예약"}


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
    return render(
        request, "allocate_preview.html", "allocate", seen=seen or {}, rows=rows, banners=banners
    )


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
