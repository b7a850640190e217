"""주문등록: 판매처별 오늘 등록된 주문건수, 개별등록 (one order by form), 엑셀등록 (the
collector's row/column problems shown against the file's rows) and 일괄삭제 of one upload."""

import uuid
from functools import partial
from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import Response

from packline_console.adapters.services import ServiceDown, ServiceProblem
from packline_console.adapters.sheet_rows import rows_of
from packline_console.entrypoints.listing import ListQuery
from packline_console.entrypoints.page_kit import (
    KST,
    Sections,
    attempt,
    expected_headers,
    failure,
    field_errors,
    kst_moment,
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
from packline_console.service_layer import register

PAGE = "/register"
router = APIRouter(prefix=PAGE)
Text = Annotated[str, Form(max_length=300)]
Needed = Annotated[str, Form(min_length=1, max_length=300)]
BATCH_PAGE = 20


async def _page(
    request: Request, console: ConsoleDep, session: SessionDep, status: int = 200, **said: Any
) -> Response:
    sections = Sections()
    lq = ListQuery.of(request, default_preset="all")
    today = await sections.load(register.registered_today(console.services, session.user))
    batches = await sections.load(
        register.batches(console.services, session.user, BATCH_PAGE, lq.offset)
    )
    return render(
        request,
        "register.html",
        "register",
        status,
        today=today,
        lq=lq,
        batches=batches or ([], False),
        marketplaces=register.MARKETPLACES,
        sources=register.SOURCES,
        file_sources=register.FILE_SOURCES,
        now=console.clock().astimezone(KST).strftime("%Y-%m-%dT%H:%M"),
        banners=sections.banners,
        **said,
    )


async def _failed(
    request: Request,
    console: ConsoleDep,
    session: SessionDep,
    exc: ServiceDown | ServiceProblem,
    **said: Any,
) -> Response:
    status, message = failure(exc)
    fields = field_errors(exc) if isinstance(exc, ServiceProblem) else []
    return await _page(request, console, session, status, error=message, fields=fields, **said)


@router.get("")
async def register_page(request: Request, console: ConsoleDep, session: SessionDep) -> Response:
    return await _page(request, console, session)


@router.get("/template")
async def template(
    request: Request,
    console: ConsoleDep,
    session: SessionDep,
    format: Annotated[Literal["xlsx", "csv"], Query()] = "xlsx",
) -> Response:
    """The collector's upload template (.xlsx, or .csv for Excel's 텍스트 가져오기)."""
    answer = await attempt(
        console.services.raw(
            session.user, "collector", "GET", "/orders/excel/template", params={"format": format}
        ),
        partial(_failed, request, console, session),
    )
    name = f"packline-orders.{format}"
    return Response(
        answer.content,
        media_type=answer.headers.get("content-type", "application/octet-stream"),
        headers={"content-disposition": f'attachment; filename="{name}"'},
    )


@router.post("/order")
async def register_one(
    request: Request,
    console: ConsoleDep,
    session: ChangeDep,
    marketplace: Annotated[str, Form()],
    order_id: Annotated[str, Form(min_length=1, max_length=64)],
    paid_at: Annotated[str, Form(max_length=30)],
    name: Needed,
    address1: Needed,
    product_name: Needed,
    listing_id: Annotated[str, Form(min_length=1, max_length=64)],
    quantity: Annotated[str, Form(max_length=10)],
    unit_price: Annotated[str, Form(max_length=15)],
    mobile: Text = "",
    phone: Text = "",
    postcode: Text = "",
    address2: Text = "",
    message: Text = "",
    orderer_name: Text = "",
    option_id: Text = "",
    option_name: Text = "",
    seller_sku_code: Text = "",
    amount: Annotated[str, Form(max_length=15)] = "",
    shipping_fee: Annotated[str, Form(max_length=15)] = "",
) -> Response:
    if marketplace not in register.MARKETPLACES:
        raise Refused(422, "판매처를 목록에서 고르세요.")
    paid = kst_moment(paid_at, "결제일시")
    units, price = whole(quantity, "수량", 1), whole(unit_price, "판매가", 0)
    paid_amount = whole(amount, "결제금액", 0) if amount.strip() else units * price
    fee = whole(shipping_fee, "배송비", 0) if shipping_fee.strip() else 0
    recipient = {
        "name": name,
        "mobile": mobile,
        "phone": phone,
        "postcode": postcode,
        "address1": address1,
        "address2": address2,
        "message": message,
    }
    line = {
        "listing_id": listing_id.strip(),
        "option_id": option_id.strip(),
        "product_name": product_name,
        "option_name": option_name,
        "seller_sku_code": seller_sku_code.strip(),
        "quantity": units,
        "unit_price_krw": price,
        "amount_krw": paid_amount,
    }
    order = register.one_order(
        marketplace, order_id.strip(), paid, paid, recipient, line, orderer_name, fee
    )
    created = await attempt(
        register.register_one(console.services, session.user, order),
        partial(_failed, request, console, session),
    )
    label = register.MARKETPLACES[marketplace]
    notice = (
        f"{label} 주문 {order_id.strip()}을(를) 등록했습니다."
        if created
        else f"{label} 주문 {order_id.strip()}은(는) 이미 등록된 주문입니다. 새로 등록하지 않았습니다."
    )
    return said(request, PAGE, notice)


@router.post("/excel")
async def upload_excel(
    request: Request,
    console: ConsoleDep,
    session: ChangeDep,
    orders: Annotated[UploadFile, File()],
    password: Annotated[str, Form(max_length=256)] = "",
) -> Response:
    content = await upload_bytes(orders)
    try:
        done = await register.upload(console.services, session.user, content, password)
    except ServiceProblem as exc:
        problems = row_errors(exc)
        expected = expected_headers(exc)
        header, rows = rows_of(
            content, (p["row"] for p in problems if isinstance(p.get("row"), int))
        )
        return await _failed(
            request,
            console,
            session,
            exc,
            problems=problems,
            header=header,
            bad_rows=rows,
            expected=expected,
            filename=orders.filename or "",
        )
    except ServiceDown as exc:
        return await _failed(request, console, session, exc)
    source = register.FILE_SOURCES.get(str(done.get("source", "")), "")
    skipped = done.get("skipped_count", 0)
    notice = (
        f"{orders.filename or '파일'}{f' ({source})' if source else ''}: "
        f"{done.get('rows', 0)}줄에서 주문 {done.get('orders', 0)}건, "
        f"새로 등록 {done.get('created', 0)}건, 이미 있던 주문 {done.get('duplicates', 0)}건"
        + (f", 취소·출고된 줄 {skipped}개는 건너뜀." if skipped else ".")
    )
    by_text = done.get("ids_from_file_text", 0)
    if by_text:  # no API order names their option: they need mapping (매칭) once more
        notice += f" 파일에 없는 상품·옵션 ID를 API 주문에서 찾지 못한 줄 {by_text}개 (매칭 필요)."
    return said(request, PAGE, notice)


@router.post("/batches/delete")
async def delete_batch(
    request: Request,
    console: ConsoleDep,
    session: ChangeDep,
    batch_id: Annotated[str, Form(max_length=64)],
    skip_past_matching: Annotated[bool, Form()] = False,
) -> Response:
    try:
        batch = uuid.UUID(batch_id.strip())
    except ValueError:
        raise Refused(422, "엑셀 등록 번호를 확인하세요 (등록할 때 보여 준 번호).") from None
    try:
        done = await register.delete_batch(
            console.services, session.user, str(batch), skip_past_matching
        )
    except ServiceProblem as exc:
        if exc.status == 404:
            raise Refused(404, "그런 엑셀 등록이 없습니다. 번호를 확인하세요.") from None
        refused = exc.body.get("refused", []) if isinstance(exc.body, dict) else []
        return await _failed(
            request, console, session, exc, refused=refused, refused_batch=str(batch)
        )
    except ServiceDown as exc:
        return await _failed(request, console, session, exc)
    notice = f"엑셀 등록 {batch}의 주문 {done.get('deleted', 0)}건을 삭제했습니다."
    if done.get("refused"):
        notice += f" 매칭이 끝났거나 출고된 {len(done['refused'])}건은 남겨 두었습니다."
        return await _page(request, console, session, notice=notice, refused=done["refused"])
    return said(request, PAGE, notice)
