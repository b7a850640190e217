"""배송 → 출고 스캔: one number at a time from a barcode scanner (fetch, JSON answer), or a file
of numbers for bulk shipping (the shipper's /scan/file) with an answer per row."""

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field

from packline_console.adapters.services import ServiceDown, ServiceProblem, Services
from packline_console.domain.accounts import User
from packline_console.entrypoints.web import ChangeDep, ConsoleDep, Refused, SessionDep, render

router = APIRouter()
MAX_FILE_BYTES = 5 << 20

# what the packer sees and hears: (kind, big label); kind picks the colour and the tone
VERDICTS = {
    "OK": ("ok", "정상 출고"),
    "CANCELLED": ("stop", "출고 중지"),
    "INCOMPLETE": ("stop", "출고 중지"),
    "RELABEL": ("stop", "출고 중지"),
    "REPLACED": ("stop", "출고 중지"),
    "VOIDED": ("stop", "출고 중지"),
    "ALREADY_SHIPPED": ("already", "이미 출고"),
    "DUPLICATE": ("already", "이미 출고"),
    "UNKNOWN": ("unknown", "알 수 없는 송장"),
    "NOT_A_NUMBER": ("unknown", "알 수 없는 송장"),
}


class ScanBody(BaseModel):
    tracking_number: str = Field(min_length=1, max_length=64)


def _verdict(row: dict[str, Any]) -> dict[str, Any]:
    kind, label = VERDICTS.get(str(row.get("code")), ("unknown", "알 수 없는 송장"))
    return {
        "row": row.get("row"),
        "tracking_number": row.get("tracking_number", ""),
        "code": row.get("code"),
        "kind": kind,
        "label": label,
        "message": row.get("message", ""),
        "replaced_by": row.get("replaced_by"),
    }


async def _scan(services: Services, user: User, path: str, **kwargs: Any) -> list[dict[str, Any]]:
    answer = await services.call(user, "shipper", "POST", path, expect=(422,), **kwargs)
    rows = answer.get("rows") if isinstance(answer, dict) else None
    if not isinstance(rows, list):  # a 422 about the request itself, not about rows
        detail = answer.get("detail", "") if isinstance(answer, dict) else ""
        raise Refused(422, f"배송: 파일이나 번호를 확인하세요. ({str(detail)[:300]})")
    return [_verdict(r) for r in rows]


@router.get("/shipping/scan")
async def scan_page(request: Request, session: SessionDep) -> Response:
    return render(request, "scan.html", "ship", rows=None)


@router.post("/shipping/scan")
async def scan_one(body: ScanBody, console: ConsoleDep, session: ChangeDep) -> Response:
    user = session.user
    try:
        rows = await _scan(
            console.services,
            user,
            "/scan",
            json={
                "seller_id": user.seller_id,
                "tracking_numbers": [body.tracking_number],
                "scanned_by": user.email[:64],
            },
        )
    except ServiceDown as exc:
        return JSONResponse({"error": str(exc)}, status_code=503)
    except ServiceProblem as exc:
        # the service's own 4xx passes through; its failure is a bad gateway, never our 500
        return JSONResponse(
            {"error": str(exc)}, status_code=exc.status if exc.status < 500 else 502
        )
    return JSONResponse(rows[0] if rows else {"error": "배송 서비스가 답을 주지 않았습니다."})


@router.post("/shipping/scan/file")
async def scan_file(
    request: Request,
    console: ConsoleDep,
    session: ChangeDep,
    numbers: Annotated[UploadFile, File()],
    allow_partial: Annotated[bool, Form()] = False,
) -> Response:
    """All or nothing unless `allow_partial`: then the OK rows ship and the rest are listed."""
    content = await numbers.read(MAX_FILE_BYTES + 1)
    if len(content) > MAX_FILE_BYTES:
        raise Refused(413, "파일이 너무 큽니다(5MB까지). 나누어 올려 주세요.")
    if not content:
        raise Refused(400, "빈 파일입니다. 송장번호를 한 줄에 하나씩 적은 파일을 올려 주세요.")
    user = session.user
    try:
        rows = await _scan(
            console.services,
            user,
            "/scan/file",
            params={
                "seller_id": user.seller_id,
                "scanned_by": user.email[:64],
                "allow_partial": "true" if allow_partial else "false",
            },
            content=content,
        )
    except ServiceDown as exc:
        return render(request, "scan.html", "ship", 503, rows=None, banners=[str(exc)])
    except ServiceProblem as exc:
        status = exc.status if exc.status < 500 else 502
        return render(request, "scan.html", "ship", status, rows=None, banners=[str(exc)])
    return render(request, "scan.html", "ship", rows=rows, filename=numbers.filename or "")
