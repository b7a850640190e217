"""송장: parcels by status (송장 대기 / 발행 / 폐기), the courier file out (XLSX with a password,
or CSV) and the courier's file back in with its answer per row, labels as a PDF (a second print
is marked 재출력 by the waybill service), a number voided and replaced, API bookings again."""

from functools import partial
from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import APIRouter, File, Form, Path, Request
from fastapi import UploadFile as Upload
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

PAGE = "/waybill"
router = APIRouter(prefix=PAGE)
MAX_FILE_BYTES = 20 << 20
STATUSES = {"AWAITING": "송장 대기", "ISSUED": "발행", "VOIDED": "폐기"}
WAYS = {"FILE": "엑셀", "BAND": "대역", "API": "API"}
OUTCOMES = {
    "ISSUED": "반영",
    "ALREADY_ISSUED": "이미 반영",
    "CANCELLED": "취소된 주문",
    "ERROR": "오류",
    "NOT_APPLIED": "미반영",
}
COLUMNS = (
    ("reference", "고객주문번호"),
    ("courier_code", "택배사"),
    ("tracking_number", "송장번호"),
    ("status", "상태"),
    ("method", "발행 방법"),
    ("created_at", "생성일시"),
    ("issued_at", "발행일시"),
)
Password = Annotated[str, Form(max_length=64)]


def _fetch(console: Console, session: Session, status: str, lq: ListQuery) -> page_kit.Fetch:
    async def fetch(limit: int, offset: int) -> list[dict[str, Any]]:
        answer = await console.services.get(
            session.user,
            "waybill",
            "/waybills",
            status=status,
            seller_id=session.user.seller_id,
            limit=limit,
            offset=offset,
            **lq.filters(),
        )
        return page_kit.items(answer)

    return fetch


def _status(request: Request) -> str:
    chosen = request.query_params.get("status", "AWAITING")
    return chosen if chosen in STATUSES else "AWAITING"


async def _page(
    request: Request, console: Console, session: Session, status: int = 200, **said: Any
) -> Response:
    lq = ListQuery.of(request, default_preset="all")
    tab = _status(request)
    banners: list[str] = []
    fetch = _fetch(console, session, tab, lq)
    rows, has_next = await page_kit.read(banners, page_kit.listed(fetch, lq), ([], False))
    history = await page_kit.read(
        banners,
        console.services.get(
            session.user, "waybill", "/exports", seller_id=session.user.seller_id, limit=10
        ),
        {},
    )
    return render(
        request,
        "waybill.html",
        "waybill",
        status,
        lq=lq,
        tab=tab,
        statuses=STATUSES,
        ways=WAYS,
        outcomes=OUTCOMES,
        rows=rows,
        has_next=has_next,
        exports=page_kit.items(history),
        banners=banners,
        **said,
    )


async def _refused(
    request: Request, console: Console, session: Session, exc: ServiceDown | ServiceProblem
) -> Response:
    status, message = page_kit.failure(exc)
    return await _page(request, console, session, status, error=message)


@router.get("")
async def waybill_page(request: Request, console: ConsoleDep, session: SessionDep) -> Response:
    lq = ListQuery.of(request, default_preset="all")
    if not lq.export:
        return await _page(request, console, session)
    try:
        rows = await page_kit.every(_fetch(console, session, _status(request), lq))
    except (ServiceDown, ServiceProblem) as exc:
        return await _refused(request, console, session, exc)
    shown = [page_kit.for_excel(row, {"status": STATUSES, "method": WAYS}) for row in rows]
    return xlsx("송장", COLUMNS, shown, sheet="송장")


def _file(answer: Any, fallback: str) -> Response:
    # how many labels, and how many of them reprints (재출력), as the waybill service counted
    kept = {k: v for k, v in answer.headers.items() if k.lower() in ("x-labels", "x-reprints")}
    disposition = answer.headers.get("content-disposition", f'attachment; filename="{fallback}"')
    return Response(
        answer.content,
        media_type=answer.headers.get("content-type", "application/octet-stream"),
        headers={"content-disposition": disposition, **kept},
    )


@router.post("/exports")
async def export_file(
    request: Request,
    console: ConsoleDep,
    session: ChangeDep,
    file_format: Annotated[Literal["xlsx", "csv"], Form()] = "xlsx",
    encoding: Annotated[Literal["cp949", "utf-8-sig"], Form()] = "cp949",
    password: Password = "",
    again: Annotated[bool, Form()] = False,
) -> Response:
    """송장 엑셀 다운로드: the parcels awaiting a number, in the default account's template."""
    user = session.user
    if password and (file_format != "xlsx" or len(password) < 4):
        message = "비밀번호는 XLSX 파일에만, 4자 이상으로 걸 수 있습니다."
        return await _page(request, console, session, 422, error=message)
    body = {
        "seller_id": user.seller_id,
        "by": user.email[:64],
        "file_format": file_format,
        "encoding": encoding,
        "password": password or None,
        "confirm_reexport": again,
    }
    try:
        made = await console.services.call(user, "waybill", "POST", "/exports", json=body)
        return await _download(console, session, int(made["id"]))
    except (ServiceDown, ServiceProblem) as exc:
        return await _refused(request, console, session, exc)


async def _download(console: Console, session: Session, batch_id: int) -> Response:
    answer = await console.services.raw(
        session.user,
        "waybill",
        "GET",
        f"/exports/{batch_id}/file",
        params={"seller_id": session.user.seller_id},
    )
    return _file(answer, f"waybills-{batch_id}")


@router.get("/exports/{batch_id}/file")
async def download_again(
    request: Request,
    console: ConsoleDep,
    session: SessionDep,
    batch_id: Annotated[int, Path(ge=1, le=2**63 - 1)],
) -> Response:
    try:
        return await _download(console, session, batch_id)
    except (ServiceDown, ServiceProblem) as exc:
        return await _refused(request, console, session, exc)


@router.post("/imports")
async def import_file(
    request: Request,
    console: ConsoleDep,
    session: ChangeDep,
    returned: Annotated[Upload, File()],
    password: Password = "",
    allow_partial: Annotated[bool, Form()] = False,
) -> Response:
    """송장 엑셀 업로드: the courier's file with the numbers; an answer per row either way."""
    content = await returned.read(MAX_FILE_BYTES + 1)
    name = returned.filename or ""
    if len(content) > MAX_FILE_BYTES:
        return await _page(request, console, session, 413, error="파일이 너무 큽니다(20MB까지).")
    if not content or not name.lower().endswith((".xlsx", ".csv")):
        error = "택배사에서 받은 .xlsx 또는 .csv 파일을 올려 주세요."
        return await _page(request, console, session, 422, error=error)
    user = session.user
    params = {"seller_id": user.seller_id, "by": user.email[:64], "filename": name[-200:]}
    try:
        answer = await console.services.call(
            user,
            "waybill",
            "POST",
            "/imports",
            params={**params, "allow_partial": "true" if allow_partial else "false"},
            content=content,
            headers={"x-file-password": password} if password else None,
            expect=(422,),
        )
    except (ServiceDown, ServiceProblem) as exc:
        return await _refused(request, console, session, exc)
    rows = answer.get("rows") if isinstance(answer, dict) else None
    if not isinstance(rows, list):  # the file itself could not be read
        detail = str(answer.get("detail", ""))[:300] if isinstance(answer, dict) else ""
        return await _page(
            request, console, session, 422, error=f"송장: 파일을 읽지 못했습니다. ({detail})"
        )
    if not answer.get("applied"):
        error = (
            "아무것도 반영하지 않았습니다. 오류 줄을 고쳐 다시 올리거나, 정상 줄만 반영을 고르세요."
        )
        return await _page(
            request, console, session, 422, error=error, imported=answer, filename=name
        )
    notice = f"송장번호 {answer.get('issued', 0)}건을 반영했습니다."
    return await _page(request, console, session, notice=notice, imported=answer, filename=name)


@router.post("/labels")
async def print_labels(
    request: Request,
    console: ConsoleDep,
    session: ChangeDep,
    parcel_ids: Annotated[list[UUID] | None, Form()] = None,
    from_number: Annotated[str, Form(max_length=16)] = "",
    to_number: Annotated[str, Form(max_length=16)] = "",
) -> Response:
    """송장출력: the ticked parcels, or a range of numbers, as one PDF."""
    user = session.user
    body: dict[str, Any] = {"seller_id": user.seller_id, "by": user.email[:64]}
    if parcel_ids:
        body["parcel_ids"] = [str(p) for p in parcel_ids]
    elif from_number.strip() and to_number.strip():
        body |= {"from_number": from_number.strip(), "to_number": to_number.strip()}
    else:
        error = "출력할 송장을 체크하거나, 시작·끝 송장번호를 적어 주세요."
        return await _page(request, console, session, 422, error=error)
    try:
        answer = await console.services.raw(user, "waybill", "POST", "/labels", json=body)
    except (ServiceDown, ServiceProblem) as exc:
        return await _refused(request, console, session, exc)
    return _file(answer, "labels.pdf")


@router.post("/parcels/{parcel_id}/replace")
async def replace_number(
    request: Request,
    console: ConsoleDep,
    session: ChangeDep,
    parcel_id: UUID,
    reason: Annotated[str, Form(min_length=1, max_length=300)],
) -> Response:
    """송장 폐기 후 재발행: the old number is void for ever; the new one is the next of the band."""
    user = session.user
    body = {"seller_id": user.seller_id, "by": user.email[:64], "reason": reason}
    answer = await page_kit.attempt(
        console.services.call(
            user, "waybill", "POST", f"/parcels/{parcel_id}/replace-number", json=body
        ),
        partial(_refused, request, console, session),
    )
    warned = " ".join(str(w) for w in answer.get("warnings", []))
    notice = f"이전 송장번호는 폐기하고 새 송장번호 {answer.get('tracking_number')}를 발행했습니다. {warned}"
    return said(request, PAGE, notice.strip())


@router.post("/bookings/retry")
async def book_again(request: Request, console: ConsoleDep, session: ChangeDep) -> Response:
    """택배사 API 재접수: parcels whose booking failed are booked again now."""
    user = session.user
    answer = await page_kit.attempt(
        console.services.call(
            user, "waybill", "POST", "/bookings/retry", json={"seller_id": user.seller_id}
        ),
        partial(_refused, request, console, session),
    )
    notice = f"API 접수를 다시 예약했습니다: {answer.get('scheduled', 0)}건"
    return said(request, PAGE, notice)
